/** A tiny cookie-jar HTTP client: one jar is one browser. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];

  constructor(private readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    base = this.base,
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        // What the app's own pages send; route() refuses a POST of any other type (see state-change.ts).
        ...(body !== undefined || method === "POST" ? { "content-type": "application/json" } : {}),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  post(path: string, body?: unknown, base?: string) {
    return this.request("POST", path, body, base);
  }
  get(path: string, base?: string) {
    return this.request("GET", path, undefined, base);
  }
  delete(path: string, base?: string) {
    return this.request("DELETE", path, undefined, base);
  }
}
