/**
 * The notice a script publishes with every stream entry it appends, so that readers are pushed the
 * entry instead of polling for it: `SPUBLISH <stream key> <notice>`, in the same script as the
 * XADD, so a reader subscribed to the key sees every entry appended after its SSUBSCRIBE, in stream
 * order. Sharded pub/sub (Redis ≥ 7): the channel is the stream key, so it lives on the key's slot.
 *
 * Notice: `<id>\n<field1>\n<value1>\n<field2>\n<value2>`, the entry's id and its two fields. Only
 * the last value may contain a newline (it is the entry's data); ids, field names, origins and
 * event names never do.
 */

/** Lua: `notify(key, id, f1, v1, f2, v2)` publishes the notice of the entry `id` of stream `key`. */
export const NOTIFY_LUA = `
local function notify(key, id, f1, v1, f2, v2)
  redis.call('SPUBLISH', key, id .. '\\n' .. f1 .. '\\n' .. v1 .. '\\n' .. f2 .. '\\n' .. v2)
end
`;

/** A notice as the stream entry it announces, `[id, fields]`; undefined when it is not one. */
export function parseNotice(notice: string): [id: string, fields: string[]] | undefined {
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < 4; i++) {
    const at = notice.indexOf("\n", from);
    if (at < 0) return undefined;
    fields.push(notice.slice(from, at));
    from = at + 1;
  }
  fields.push(notice.slice(from));
  const id = fields.shift();
  return id ? [id, fields] : undefined;
}
