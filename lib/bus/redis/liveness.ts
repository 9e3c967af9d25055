import { randomInt } from "node:crypto";
import type { Commands } from "../../redis/commands";
import { INSTANCES_KEY, instanceRoomsKey, SWEEPING_KEY } from "../../redis/keys";
import type { InstanceBeatReply } from "../../redis/scripts/liveness";

/** Dead incarnations one beat claims at most. */
const CLAIMS_PER_BEAT = 4;
/** Rooms per SREM / SSCAN step. */
const ROOMS_PER_STEP = 500;
/** An incarnation's room list outlives it by this much, for a survivor to find (ms). */
const ROOMS_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** A fresh incarnation: random, so instances never share one, and exact as a zset score. */
function newIncarnation(): number {
  return randomInt(1, 2 ** 47);
}

/**
 * This instance's liveness in Redis: one beat per interval for all of its rooms, instead of one
 * refresh per room. Presence entries carry the instance's *incarnation* (their score in each room's
 * `:presence`); the incarnation beats in INSTANCES_KEY and lists the rooms it holds entries in
 * (`instanceRoomsKey`). An incarnation silent for the TTL is claimed by exactly one survivor's beat,
 * which sweeps its entries room by room. An instance that was only stalled, and finds itself
 * claimed, takes a new incarnation and puts its entries back under it: the sweep of the old one
 * cannot touch them.
 */
export class InstanceLiveness {
  incarnation = newIncarnation();
  /** Rooms listed for this incarnation's sweeper. */
  private readonly listed = new Set<string>();
  /** Has this process's first incarnation beaten yet (a missing one after that: taken for dead)? */
  private beaten = false;
  /** The incarnation already listed in INSTANCES_KEY. */
  private announced: number | undefined;

  constructor(
    private readonly cmd: Commands,
    private readonly ttlMs: number,
  ) {}

  /** Lists the room for this incarnation's sweeper, once, before its first entry goes in. */
  async list(room: string): Promise<void> {
    if (this.listed.has(room)) return;
    this.listed.add(room);
    const key = instanceRoomsKey(this.incarnation);
    try {
      // Beating before the first entry anywhere: an instance that crashes before its first interval is swept too.
      if (this.announced !== this.incarnation) await this.announce();
      await this.cmd.run((c) => c.sadd(key, room));
    } catch (e) {
      this.listed.delete(room);
      throw e;
    }
  }

  /**
   * Beats, and unlists the rooms this instance no longer holds. Returns whether this instance had
   * been taken for dead (a new incarnation now, nothing listed), and the dead incarnations it claimed.
   */
  async beat(rooms: ReadonlySet<string>): Promise<{ revived: boolean; claimed: number[] }> {
    const [known, claimed] = await this.beatScript(CLAIMS_PER_BEAT);
    const revived = this.beaten && known === 0;
    this.beaten = true;
    this.announced = this.incarnation;
    if (revived) {
      // The beat just listed the old incarnation again: it goes, its sweep already ran or runs.
      const old = String(this.incarnation);
      this.incarnation = newIncarnation();
      this.listed.clear();
      await this.cmd.run((c) => c.zrem(INSTANCES_KEY, old));
      // Listed at once, rooms or not: else the next beat would find it missing and revive again.
      await this.announce();
    }
    await this.unlistExcept(rooms);
    return { revived, claimed: claimed.map(Number).filter(Number.isSafeInteger) };
  }

  private async announce(): Promise<void> {
    const incarnation = this.incarnation;
    this.announced = incarnation;
    try {
      await this.beatScript(0);
    } catch (e) {
      if (this.announced === incarnation) this.announced = undefined;
      throw e;
    }
    this.beaten = true;
  }

  private beatScript(maxClaims: number): Promise<InstanceBeatReply> {
    const incarnation = this.incarnation;
    return this.cmd.run((c) => c.flareInstanceBeat(INSTANCES_KEY, SWEEPING_KEY, incarnation, this.ttlMs, maxClaims));
  }

  /** The rooms a dead incarnation listed, a step at a time. */
  async *roomsOf(incarnation: number): AsyncGenerator<string[]> {
    const key = instanceRoomsKey(incarnation);
    let cursor = "0";
    do {
      const [next, rooms] = await this.cmd.run((c) => c.sscan(key, cursor, "COUNT", ROOMS_PER_STEP));
      cursor = next;
      if (rooms.length > 0) yield rooms;
    } while (cursor !== "0");
  }

  /** A dead incarnation was swept: nothing of it is left to claim. */
  async swept(incarnation: number): Promise<void> {
    await Promise.all([
      this.cmd.run((c) => c.del(instanceRoomsKey(incarnation))),
      this.cmd.run((c) => c.zrem(SWEEPING_KEY, String(incarnation))),
    ]);
  }

  private async unlistExcept(rooms: ReadonlySet<string>): Promise<void> {
    const key = instanceRoomsKey(this.incarnation);
    const gone = [...this.listed].filter((room) => !rooms.has(room));
    for (const room of gone) this.listed.delete(room);
    for (let i = 0; i < gone.length; i += ROOMS_PER_STEP) {
      const step = gone.slice(i, i + ROOMS_PER_STEP);
      await this.cmd.run((c) => c.srem(key, ...step));
    }
    if (this.listed.size > 0) await this.cmd.run((c) => c.pexpire(key, ROOMS_KEY_TTL_MS));
  }
}
