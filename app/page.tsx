import { Lobby } from "@/components/lobby/lobby";
import { RealtimeProvider } from "@/lib/client/realtime/react";

export default function Home() {
  return (
    <RealtimeProvider>
      <Lobby />
    </RealtimeProvider>
  );
}
