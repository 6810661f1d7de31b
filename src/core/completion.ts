/**
 * A call's value, or its promise. A blocking socket call that completed before it returned (it waited
 * in the native addon, on the thread: BlockOptions.here) gives the value itself, so the statement that
 * made it goes on without a promise or a turn of the microtask queue; every other call gives a promise.
 * Errors always come as a rejected promise, never thrown and never as a value.
 */
export type Completion<T> = T | Promise<T>;

/** f applied to the value: at once when it is there, else when the promise settles. */
export function andThen<T, U>(got: Completion<T>, f: (value: T) => Completion<U>): Completion<U> {
  return got instanceof Promise ? got.then(f) : f(got);
}
