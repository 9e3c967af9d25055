import type { ServerFrame } from "../protocol";
import type { TextFrame } from "./text-frame";

/**
 * Sends a sender's `ack` and its own copy of the message in one write instead of two (issue #9:
 * on loopback a write is a syscall and a packet, and the sender gets the most frames of anyone).
 * The ack answers the store on the command connection while the copy comes through the room's
 * feed, so either may come first:
 *
 * - the copy first: it, and every frame after it, waits for the store's answer (`end()`), which
 *   comes within the command timeout whatever the outcome;
 * - the ack first: it waits for the copy until the end of the current event-loop turn (both
 *   replies are usually read in the same turn), then goes alone.
 *
 * Order is kept: held frames leave in the order they were pushed, and the ack is not ordered
 * against other frames by the contract.
 */
export class AckPairing {
  private nonce: string | undefined;
  private clientId = "";
  /** The copy came first: it and what followed, waiting for the store's answer. */
  private held: TextFrame[] | undefined;
  /** The ack came first, waiting for the copy. */
  private ack: TextFrame | undefined;

  constructor(private readonly write: (frames: TextFrame[]) => void) {}

  /** A message of `clientId` with `nonce` is being stored. */
  begin(nonce: string, clientId: string): void {
    this.flushAck();
    this.nonce = nonce;
    this.clientId = clientId;
  }

  /** The store answered (its ack or error frame has been pushed). */
  end(): void {
    const held = this.held;
    if (held) {
      this.reset();
      this.write(held);
    } else if (!this.ack) {
      this.reset();
    }
  }

  /** Takes a frame on its way to the socket; false when it should be written now as usual. */
  take(frame: ServerFrame, wire: TextFrame): boolean {
    if (this.nonce === undefined) return false;
    if (this.held) {
      this.held.push(wire);
      return true;
    }
    if (frame.type === "message" && frame.message.nonce === this.nonce && frame.message.clientId === this.clientId) {
      const ack = this.ack;
      if (!ack) {
        this.held = [wire];
        return true;
      }
      this.reset();
      this.write([wire, ack]);
      return true;
    }
    if (frame.type === "ack" && frame.nonce === this.nonce && !this.ack) {
      const ack = (this.ack = wire);
      setImmediate(() => {
        if (this.ack === ack) this.flushAck();
      });
      return true;
    }
    return false;
  }

  /** Writes everything still waiting (before a close frame). */
  flush(): void {
    if (this.held) this.end();
    else this.flushAck();
  }

  private flushAck(): void {
    const ack = this.ack;
    this.reset();
    if (ack) this.write([ack]);
  }

  private reset(): void {
    this.nonce = undefined;
    this.held = undefined;
    this.ack = undefined;
  }
}
