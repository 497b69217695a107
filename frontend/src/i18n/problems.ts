import type { Violation } from '@/api/contract'
import { isApiError, type ApiError } from '@/api/http'

type Translate = (key: string, named?: Record<string, unknown>) => string
type TranslationExists = (key: string) => boolean

/** vue-i18n key of an error code: `auth.invalidCredentials` → `problems.auth.invalidCredentials`. */
export function problemKey(code: string): string {
  return `problems.${code}`
}

/**
 * The user's-language message of an API error: the translation of its `code` (with its `args`), else the server's
 * English detail. Field violations are translated the same way by {@link violationMessages}.
 */
export function problemMessage(error: ApiError, t: Translate, te?: TranslationExists): string {
  const code = error.problem.code
  const args = error.problem.args ?? {}
  if (code && (!te || te(problemKey(code)))) {
    const text = t(problemKey(code), args)
    if (text !== problemKey(code)) {
      return text
    }
  }
  return error.problem.detail || error.problem.title || `HTTP ${error.status}`
}

/** The message to show for a failed request: the API error's translated problem, else "network error". */
export function errorMessage(error: unknown, t: Translate, te?: TranslationExists): string {
  return isApiError(error) ? problemMessage(error, t, te) : t('errors.network')
}

/** Translated messages per field from a validation problem's `violations`. */
export function violationMessages(error: ApiError, t: Translate): Record<string, string> {
  const violations: Violation[] = error.problem.violations ?? []
  const result: Record<string, string> = {}
  for (const v of violations) {
    const text = t(problemKey(v.code), v.args ?? {})
    result[v.field] = result[v.field] ? `${result[v.field]} ${text}` : text
  }
  return result
}

/**
 * What a form shows for a failed submit: the translated message per field when the server named fields, otherwise
 * one translated message for the whole form.
 */
export function formProblem(
  error: unknown,
  t: Translate,
): { message: string | null; fields: Record<string, string> } {
  if (!isApiError(error)) {
    return { message: t('errors.unknown'), fields: {} }
  }
  const fields = violationMessages(error, t)
  return { message: Object.keys(fields).length > 0 ? null : problemMessage(error, t), fields }
}
