/**
 * Every error the API can answer with: a stable code, its HTTP status and its message in Chinese
 * and English. Libraries add their own codes here so the OpenAPI document and the exception
 * filter read one table. Messages may use `{name}` placeholders filled from the exception's params.
 */
export interface ErrorDefinition {
  status: number;
  en: string;
  zh: string;
}

export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, en: 'The request is not valid.', zh: '请求参数不合法。' },
  MALFORMED_JSON: { status: 400, en: 'The request body is not valid JSON.', zh: '请求体不是合法的 JSON。' },
  UNAUTHENTICATED: { status: 401, en: 'A valid bearer token is required.', zh: '需要有效的访问令牌。' },
  FORBIDDEN: { status: 403, en: 'You are not allowed to do this.', zh: '无权执行此操作。' },
  NOT_FOUND: { status: 404, en: 'Not found.', zh: '未找到。' },
  ROUTE_NOT_FOUND: { status: 404, en: 'No such endpoint: {method} {path}.', zh: '接口不存在：{method} {path}。' },
  METHOD_NOT_ALLOWED: { status: 405, en: 'Method not allowed.', zh: '不支持该请求方法。' },
  CONFLICT: { status: 409, en: 'The request conflicts with the current state.', zh: '请求与当前状态冲突。' },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The request body is too large.', zh: '请求体过大。' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, en: 'Unsupported content type.', zh: '不支持的内容类型。' },
  RATE_LIMITED: { status: 429, en: 'Too many requests; slow down.', zh: '请求过于频繁，请稍后再试。' },
  INTERNAL: { status: 500, en: 'An internal error occurred.', zh: '服务器内部错误。' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    en: 'A service the request needs is unavailable; retry shortly.',
    zh: '依赖的服务暂不可用，请稍后重试。',
  },
} satisfies Record<string, ErrorDefinition>;

const registry = new Map<string, ErrorDefinition>(Object.entries(ERROR_CODES));

/** Libraries register their codes at import time; a code is defined once. */
export function defineErrors<T extends Record<string, ErrorDefinition>>(codes: T): { [K in keyof T]: K } {
  const names = {} as { [K in keyof T]: K };
  for (const [code, definition] of Object.entries(codes)) {
    const existing = registry.get(code);
    if (existing && existing !== definition) throw new Error(`Error code ${code} is defined twice`);
    registry.set(code, definition);
    (names as Record<string, string>)[code] = code;
  }
  return names;
}

export function errorDefinition(code: string): ErrorDefinition {
  return registry.get(code) ?? ERROR_CODES.INTERNAL;
}

export function allErrorCodes(): ReadonlyMap<string, ErrorDefinition> {
  return registry;
}

export type Language = 'zh' | 'en';

export function formatMessage(code: string, language: Language, params: Record<string, unknown> = {}): string {
  const template = errorDefinition(code)[language];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** zh when the client prefers Chinese (any zh* tag before any en* tag), else en. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  const tags = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
