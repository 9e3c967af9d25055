import { RATE_BURST, RATE_PER_SECOND } from "../protocol";
import { KeyedRateLimit } from "./rate-limit";

/** Room creation per caller address: a burst of 30, then one a second. */
export const roomCreation = new KeyedRateLimit(1, 30);
/** Messages posted over HTTP per caller address and room: the WebSocket's budget. */
export const messagePosts = new KeyedRateLimit(RATE_PER_SECOND, RATE_BURST);
