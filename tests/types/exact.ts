/** True when A and B are the same type (each assignable to the other). */
export type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `exact<A, B>(true)` compiles only when A and B are the same type. */
export const exact = <A, B>(_proof: Exact<A, B>) => undefined;
