export * from "./limits";
export * from "./text";
export * from "./message-id";
export * from "./client-frames";
export * from "./server-frames";
export * from "./channel-frames";
export * from "./parse";
export * from "./errors";
