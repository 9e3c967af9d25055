export * from "./limits";
export * from "./text";
export * from "./message-id";
export * from "./client-frames";
export * from "./server-frames";
export * from "./parse";
export * from "./errors";
export * from "./frame-json";
