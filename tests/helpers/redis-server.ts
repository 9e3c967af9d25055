import { freePort } from "./ports";
import { redisBinaries, spawnRedisServer, type RedisProcess } from "./redis-process";

/** A real redis-server owned by the test, on a free port, keeping nothing on disk. */
export type RedisServer = {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill9(): Promise<void>;
  /** Starts a fresh, empty server on the same port (after stop or kill9). */
  restart(): Promise<void>;
};

/** Undefined (after a loud warning) when redis-server is missing and CI is not "true". */
export async function startRedis(opts: { args?: string[] } = {}): Promise<RedisServer | undefined> {
  const bin = redisBinaries(["redis-server"])?.["redis-server"];
  if (!bin) return undefined;
  const port = await freePort();
  let proc: RedisProcess | undefined = await spawnRedisServer(bin, port, opts.args);
  const stop = async () => {
    await proc?.stop();
    proc = undefined;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async kill9() {
      await proc?.kill9();
      proc = undefined;
    },
    async restart() {
      await stop();
      proc = await spawnRedisServer(bin, port, opts.args);
    },
  };
}
