using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace CityEye.Indexers.Lucene;

/// <summary>
/// Splits on spaces only: CityEye analyses text itself (<see cref="Pinyin.SearchText"/>), so the index receives one
/// token per position. Values of a multi-valued field are 100 positions apart, so a phrase never spans two values.
/// </summary>
internal sealed class SpaceAnalyzer : Analyzer
{
    public const int ValueGap = 100;

    public override int GetPositionIncrementGap(string fieldName) => ValueGap;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) => new(new SpaceTokenizer(reader));

    private sealed class SpaceTokenizer : Tokenizer
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private string _text = string.Empty;
        private int _position;

        public SpaceTokenizer(TextReader input)
            : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            ClearAttributes();
            while (_position < _text.Length && _text[_position] == ' ')
            {
                _position++;
            }

            if (_position >= _text.Length)
            {
                return false;
            }

            var start = _position;
            while (_position < _text.Length && _text[_position] != ' ')
            {
                _position++;
            }

            _term.SetEmpty().Append(_text, start, _position - start);
            _offset.SetOffset(CorrectOffset(start), CorrectOffset(_position));
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _text = m_input.ReadToEnd();
            _position = 0;
        }

        public override void End()
        {
            base.End();
            var end = CorrectOffset(_text.Length);
            _offset.SetOffset(end, end);
        }
    }
}
