import type { Bus } from "../bus/types";
import type { DestroyReason } from "../protocol";
import { type ChannelFollower, type FollowOptions, LocalChannel } from "./local-channel";

/** The channels followed on this instance, each created on its first follower and dropped after its last. */
export class HubChannels {
  private readonly channels = new Map<string, LocalChannel>();

  constructor(private readonly bus: Bus) {}

  /** `expiresAt`: the room's expiry, for a room channel (null: none). */
  async follow(
    spec: { channel: string } & FollowOptions,
    follower: ChannelFollower,
    expiresAt: number | null,
  ): Promise<void> {
    const channel = this.get(spec.channel);
    if (expiresAt !== null) channel.expireAt(expiresAt);
    await channel.follow(follower, spec);
  }

  unfollow(channel: string, follower: ChannelFollower): void {
    this.channels.get(channel)?.unfollow(follower);
  }

  /** A room ended on this instance: its room channel ends too. */
  end(channel: string, reason: DestroyReason): void {
    this.channels.get(channel)?.end(reason);
  }

  private get(name: string): LocalChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new LocalChannel(name, this.bus, {
        empty: (c) => {
          if (this.channels.get(c.name) === c) this.channels.delete(c.name);
        },
      });
      this.channels.set(name, channel);
    }
    return channel;
  }
}
