/** The engine's socket names: the wished-for name, else the lowest free number, found without rescanning. */
import { describe, expect, it } from 'vitest';
import { NameTable } from '../src/engine/names.js';

describe('NameTable', () => {
  it('numbers from 2 after a wished-for name and from 1 without one, always the lowest free number', () => {
    const t = new NameTable<number>();
    const add = (wish: string | undefined, prefix = 'tcp') => {
      const name = t.free(wish, prefix);
      t.set(name, 0);
      return name;
    };
    expect([add('c'), add('c'), add('c'), add(undefined), add(undefined)]).toEqual(['c', 'c2', 'c3', 'tcp1', 'tcp2']);
    t.delete('c2');
    expect(add('c')).toBe('c2'); // freed numbers are used again
    expect(add('c')).toBe('c4');
    t.delete('c');
    expect(add('c')).toBe('c');
  });

  it('move keeps the order of the others and frees nothing', () => {
    const t = new NameTable<string>();
    t.set('a', 'first');
    t.set('b', 'second');
    t.move('a', t.free('a', 'x'));
    t.set('a', 'new');
    expect([...t.values()]).toEqual(['second', 'first', 'new']);
    expect(t.get('a2')).toBe('first');
  });

  it('holding many numbered names stays linear: each new one starts where the last was found', () => {
    const t = new NameTable<number>();
    t.set('s', 0);
    let probes = 0;
    const map = (t as unknown as { byName: Map<string, number> }).byName;
    const has = map.has.bind(map);
    map.has = (k: string) => (probes++, has(k));
    for (let i = 0; i < 1000; i++) t.set(t.free('s', 'tcp'), i);
    expect(probes).toBeLessThan(3 * 1000);
  });
});
