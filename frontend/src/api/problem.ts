import i18n from '@/i18n';

/**
 * An RFC 7807 problem from the API, thrown by `unwrap` so screens can show its title and detail. Title and detail
 * are in the UI language: rendered from the problem's stable `code` and `params` when this version knows the code,
 * otherwise the server's own words.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  /** Stable: `not_found`, `permission_required`, `ticket_closed` … */
  readonly code: string;
  readonly params: Record<string, unknown>;
  /** Field errors of a 422, keyed like the request (`subject`, `custom_fields.asset_no`). */
  readonly errors: Record<string, string[]>;
  /** Every member of the body, including extensions such as `current_version`. */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const code = typeof body.code === 'string' ? body.code : '';
    const params = body.params && typeof body.params === 'object' ? (body.params as Record<string, unknown>) : {};
    const title = localized('title', code, params, typeof body.title === 'string' ? body.title : `HTTP ${status}`, status);
    super(title);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.params = params;
    this.title = title;
    this.detail = localized('detail', code, params, typeof body.detail === 'string' ? body.detail : '', status);
    this.type = typeof body.type === 'string' ? body.type : 'about:blank';
    this.errors = isErrorMap(body.errors) ? body.errors : {};
    this.body = body;
  }

  static async fromResponse(response: Response, parsed?: unknown): Promise<ApiProblem> {
    if (parsed && typeof parsed === 'object') return new ApiProblem(response.status, parsed as Record<string, unknown>);
    let body: Record<string, unknown> = {};
    try {
      const text = await response.clone().text();
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    return new ApiProblem(response.status, body);
  }
}

/** The code every problem of a status falls back to for its title. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
  412: 'precondition_failed', 422: 'validation', 429: 'too_many_requests', 500: 'internal', 503: 'unavailable',
};

/** `problems.title.<code>` / `problems.detail.<code>` of the common namespace, or the server's text. A title falls
 * back to its status's, so a code added on the server later still gets a title in the UI language. */
function localized(
  part: 'title' | 'detail',
  code: string,
  params: Record<string, unknown>,
  fallback: string,
  status: number,
): string {
  if (!code) return fallback;
  const values = { ...params };
  if (typeof params.resource === 'string') {
    values.resource = i18n.t(`problems.resource.${params.resource}` as 'problems.resource.ticket', { defaultValue: params.resource });
  }
  const keys = [`problems.${part}.${code}`];
  const generic = STATUS_CODES[status];
  if (part === 'title' && generic) keys.push(`problems.title.${generic}`);
  return String(i18n.t(keys as ['problems.title.not_found'], { ...values, defaultValue: fallback }));
}

function isErrorMap(value: unknown): value is Record<string, string[]> {
  return (
    !!value &&
    typeof value === 'object' &&
    Object.values(value).every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'))
  );
}

/** A network failure (server down, offline) as a problem, so error states stay uniform. */
export function networkProblem(error: unknown): ApiProblem {
  return new ApiProblem(0, { title: 'Network error', detail: error instanceof Error ? error.message : String(error) });
}
