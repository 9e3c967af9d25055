import { Lobby } from "@/components/lobby/lobby";

export default function Home() {
  return <Lobby />;
}
