"use client";

import type { AppEvents } from "@/lib/app-realtime";
import { createRealtime } from "@/lib/client/realtime/react";

/** `useRealtime` typed by Flare's own event schema (lib/app-realtime.ts). */
export const { useRealtime } = createRealtime<AppEvents>();
