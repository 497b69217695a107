import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/http'
import { i18n } from '@/i18n'
import { errorMessage, formProblem, problemMessage, violationMessages } from './problems'

describe('problem translation', () => {
  const t = (key: string, named?: Record<string, unknown>) => i18n.global.t(key, named ?? {})

  it('translates the code with its arguments in the current language', () => {
    i18n.global.locale.value = 'zh-CN'
    const error = new ApiError(429, {
      status: 429,
      title: 'Too many requests',
      detail: 'Too many sign-in attempts; wait 8 s.',
      code: 'auth.throttled',
      args: { seconds: 8 },
    })
    expect(problemMessage(error, t)).toBe('登录尝试过于频繁，请 8 秒后再试。')
  })

  it('says "network error" for a failure that is not an API answer', () => {
    i18n.global.locale.value = 'zh-CN'
    expect(errorMessage(new TypeError('Failed to fetch'), t)).toBe(t('errors.network'))
    expect(errorMessage(new ApiError(404, { status: 404, code: 'notFound' }), t)).toBe(
      t('problems.notFound'),
    )
    expect(t('errors.network')).not.toBe('errors.network')
  })

  it('falls back to the server detail for an unknown code', () => {
    const error = new ApiError(500, {
      status: 500,
      detail: 'Something new.',
      code: 'brand.new' as never,
    })
    expect(problemMessage(error, t)).toBe('Something new.')
  })

  it('translates each field violation', () => {
    i18n.global.locale.value = 'en-US'
    const error = new ApiError(400, {
      status: 400,
      code: 'request.invalid',
      violations: [
        { field: 'newPassword', code: 'password.tooShort', args: { min: 8 }, message: 'x' },
        { field: 'newPassword', code: 'password.classes', args: { min: 3 }, message: 'y' },
      ],
    })
    expect(violationMessages(error, t)).toEqual({
      newPassword:
        'At least 8 characters. Use at least 3 of: upper-case, lower-case, digits, symbols.',
    })
  })

  it('gives a form either field messages or one message', () => {
    i18n.global.locale.value = 'zh-CN'
    const wrong = new ApiError(401, { status: 401, code: 'auth.invalidCredentials' })
    const invalid = new ApiError(400, {
      status: 400,
      code: 'request.invalid',
      violations: [{ field: 'username', code: 'field.required', message: 'Required.' }],
    })
    expect(formProblem(wrong, t)).toEqual({ message: '用户名或密码错误。', fields: {} })
    expect(formProblem(invalid, t)).toEqual({ message: null, fields: { username: '必填。' } })
    expect(formProblem(new Error('boom'), t).message).toBe(i18n.global.t('errors.unknown'))
  })
})
