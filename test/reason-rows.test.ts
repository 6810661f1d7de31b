import { describe, expect, it } from 'vitest';
import { REASONS } from '../src/engine/reasons.js';
import { ADDRESS_REASONS } from '../src/engine/address-reasons.js';
import { FILE_REASONS } from '../src/engine/file-reasons.js';
import { LIMIT_REASONS } from '../src/engine/limit-reasons.js';
import { OPTION_REASONS } from '../src/engine/option-reasons.js';
import { STATE_REASONS } from '../src/engine/state-reasons.js';
import { TLS_REASONS } from '../src/engine/tls-reasons.js';
import { UNIX_REASONS } from '../src/engine/unix-reasons.js';
import { WAIT_REASONS } from '../src/engine/wait-reasons.js';

/**
 * reasons.ts spreads the error table together from files of rows. A reason in two of them would not
 * fail to compile, as it did in one object literal: the later file's row would win in silence.
 */
describe('the error table', () => {
  it('takes each reason from exactly one file of rows, and every file of rows is listed here', () => {
    const files = [ADDRESS_REASONS, FILE_REASONS, LIMIT_REASONS, OPTION_REASONS, STATE_REASONS, TLS_REASONS, UNIX_REASONS, WAIT_REASONS];
    const keys = files.flatMap((rows) => Object.keys(rows));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(keys.sort()).toEqual(Object.keys(REASONS).sort());
  });
});
