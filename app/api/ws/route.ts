import { requestSnapshot } from "@/lib/channels/access";
import { getHub } from "@/lib/hub";
import { jsonError } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { MAX_FRAME_BYTES } from "@/lib/protocol";
import { seatTokens } from "@/lib/rooms/seat-cookie";
import { clientAddress } from "@/lib/server/client-address";
import { isOriginAllowed } from "@/lib/server/origin";
import { upgradeWebSocket } from "@/lib/server/upgrade-websocket";

export const dynamic = "force-dynamic";

/** The WebSocket endpoint: checks what must be checked before upgrading, then hands the socket to the hub. */
export const GET = route(async (req) => {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(426, "bad_request", "This endpoint speaks WebSocket only.", { Upgrade: "websocket" });
  }
  if (!isOriginAllowed(req.headers.get("origin"), req.headers.get("host"))) {
    return jsonError(403, "forbidden", "This origin may not open a WebSocket here.");
  }
  const hub = getHub();
  if (!hub.accepting) return jsonError(503, "unavailable", "This instance is shutting down.");
  const seats = seatTokens(req.cookies);
  const address = clientAddress(req.headers);
  const request = requestSnapshot(req);
  // Held from before the upgrade (a burst of upgrades cannot overshoot) until the socket closes.
  const release = instance().limits.hold("sockets", address);
  let upgraded = false;
  try {
    // No await between the upgrade and hub.accept: the client's first frame must find its listener.
    const res = await upgradeWebSocket(
      (ws) => {
        upgraded = true;
        ws.once("close", release);
        void hub.accept(ws, { seats, address, request });
      },
      { maxPayload: MAX_FRAME_BYTES },
    );
    if (!upgraded) release();
    return res;
  } catch (e) {
    release();
    throw e;
  }
});
