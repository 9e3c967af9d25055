import { experimental_upgradeWebSocket } from "@vercel/functions";
import { jsonError } from "../http/respond";

type Handler = Parameters<typeof experimental_upgradeWebSocket>[0];
type Options = Parameters<typeof experimental_upgradeWebSocket>[1];

/** What experimental_upgradeWebSocket throws when the runtime hands it no socket to upgrade. */
const UNAVAILABLE = "not available in the current runtime environment";

/**
 * experimental_upgradeWebSocket, answering 503 `unavailable` instead of a 500 where the runtime has
 * no WebSocket support.
 */
export async function upgradeWebSocket(handler: Handler, options?: Options): Promise<Response> {
  try {
    return await experimental_upgradeWebSocket(handler, options);
  } catch (e) {
    if (!(e instanceof Error && e.message.includes(UNAVAILABLE))) throw e;
    return jsonError(503, "unavailable", "WebSockets are not available on this deployment.");
  }
}
