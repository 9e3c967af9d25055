/** Types for `cluster-key-slot` (it ships none): the Redis Cluster hash slot of a key, hash tags honoured. */
declare module "cluster-key-slot" {
  export default function calculateSlot(key: string | Buffer): number;
}
