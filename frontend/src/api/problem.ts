/** An RFC 7807 problem from the API, thrown by `unwrap` so screens can show its title and detail. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  /** Field errors of a 422, keyed like the request (`subject`, `custom_fields.asset_no`). */
  readonly errors: Record<string, string[]>;
  /** Every member of the body, including extensions such as `current_version`. */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const title = typeof body.title === 'string' ? body.title : `HTTP ${status}`;
    super(title);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = title;
    this.detail = typeof body.detail === 'string' ? body.detail : '';
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
