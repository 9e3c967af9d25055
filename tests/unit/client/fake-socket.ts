import type { SocketLike } from "../../../lib/client/connection";

/** A SocketLike the test plays the server of: what the client sent, and frames or a close to push at it. */
export class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed: { code?: number | undefined; reason?: string | undefined } | undefined;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  static get last(): FakeSocket {
    const s = FakeSocket.all.at(-1);
    if (!s) throw new Error("no socket opened");
    return s;
  }

  send(data: string): void {
    const value: unknown = JSON.parse(data);
    if (typeof value === "object" && value !== null) this.sent.push(value as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  frame(f: object): void {
    this.onmessage?.({ data: JSON.stringify(f) });
  }

  serverClose(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }

  of(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}
