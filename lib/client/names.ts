/** "Swift Otter"-style display names: a friendly adjective and an animal. */

export const ADJECTIVES = [
  "Swift", "Brave", "Calm", "Clever", "Cosmic", "Curious", "Daring", "Eager", "Gentle", "Golden",
  "Happy", "Jolly", "Kind", "Lively", "Lucky", "Mellow", "Merry", "Mighty", "Nimble", "Noble",
  "Plucky", "Polite", "Quick", "Quiet", "Rapid", "Sunny", "Silent", "Sleepy", "Snappy", "Steady",
  "Bright", "Witty", "Zesty", "Bold", "Breezy", "Chill", "Dapper", "Fancy", "Fuzzy", "Glowing",
] as const;

export const ANIMALS = [
  "Otter", "Badger", "Falcon", "Fox", "Heron", "Koala", "Lemur", "Lynx", "Marten", "Moose",
  "Narwhal", "Ocelot", "Owl", "Panda", "Pelican", "Penguin", "Puffin", "Quokka", "Raccoon", "Raven",
  "Seal", "Sparrow", "Squid", "Stoat", "Tapir", "Tiger", "Walrus", "Wombat", "Yak", "Zebra",
  "Beaver", "Bison", "Cheetah", "Dolphin", "Ferret", "Gecko", "Hedgehog", "Ibis", "Jaguar", "Kiwi",
] as const;

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length) % list.length] as T;
}

export function randomName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`;
}
