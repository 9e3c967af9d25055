import type { RoomAccess } from "../hub/room-access";
import { FlareError, isFlareError, MAX_CHANNELS_PER_CONNECTION } from "../protocol";
import { isChannelName, isRoomChannel } from "./names";

/** Decides who may follow an application channel: a Response refuses (`forbidden`), nothing allows. */
export type Middleware = (ctx: {
  request: Request;
  channels: string[];
}) => Response | void | undefined | Promise<Response | void | undefined>;

/** Who asks to follow channels: the request (for the middleware), and the seat tokens its cookies carry. */
export type AccessContext = {
  request: () => Request;
  seat: (roomId: string) => string | undefined;
};

/** The expiry of each room channel's room among the channels authorized (null: the lobby). */
export type RoomExpiries = Map<string, number | null>;

/**
 * The one access rule for channels, for WebSocket subscribes and SSE alike: valid names, at most
 * 100, room channels with their room's seat (`room_not_found` / `unauthorized`), the application's
 * channels through its middleware (`forbidden`).
 */
export class ChannelAccess {
  constructor(
    private readonly rooms: RoomAccess,
    private readonly middleware: Middleware | undefined,
  ) {}

  async authorize(channels: readonly string[], ctx: AccessContext): Promise<RoomExpiries> {
    if (channels.length === 0) throw new FlareError("bad_request", "Name at least one channel.");
    if (channels.length > MAX_CHANNELS_PER_CONNECTION) throw new FlareError("too_many_channels");
    for (const channel of channels) requireChannelName(channel);
    const rooms: RoomExpiries = new Map();
    const own: string[] = [];
    for (const channel of channels) {
      if (!isRoomChannel(channel)) {
        own.push(channel);
        continue;
      }
      const info = await this.rooms.authorize(channel, ctx.seat(channel));
      if (info.expiresAt !== null && info.expiresAt <= Date.now()) throw new FlareError("room_not_found");
      rooms.set(channel, info.expiresAt);
    }
    if (own.length > 0 && this.middleware) await this.askMiddleware(this.middleware, own, ctx);
    return rooms;
  }

  private async askMiddleware(middleware: Middleware, channels: string[], ctx: AccessContext): Promise<void> {
    let refused: Response | void | undefined;
    try {
      refused = await middleware({ request: ctx.request(), channels });
    } catch (e) {
      if (isFlareError(e)) throw e;
      throw new FlareError("forbidden", "The channel middleware failed.", { cause: e });
    }
    if (refused) throw new FlareError("forbidden", await refusalMessage(refused));
  }
}

export function requireChannelName(channel: string): void {
  if (!isChannelName(channel))
    throw new FlareError("bad_request", "Channel names are 1–64 characters of A–Z, a–z, 0–9, _, ., : or -.");
}

/**
 * What the middleware sees of an upgrade request, kept for the socket's life: its URL and the
 * headers a middleware decides on (cookies, authorization, origin), not the whole request. The
 * strings are copied: a header value can be a slice of the request's whole header block, which a
 * long-lived socket would otherwise keep alive.
 */
export function requestSnapshot(req: Request): () => Request {
  const url = detached(req.url);
  const headers: [string, string][] = [];
  for (const name of ["cookie", "authorization", "origin"]) {
    const value = req.headers.get(name);
    if (value !== null) headers.push([name, detached(value)]);
  }
  return () => new Request(url, { headers });
}

function detached(value: string): string {
  return Buffer.from(value, "utf8").toString("utf8");
}

async function refusalMessage(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  return text && text.length <= 200 ? text : `Refused by the channel middleware (${response.status}).`;
}
