import { strict as assert } from 'node:assert';
import { CardTooLargeError, cardBytes, expandCardLate, fitCard, jsonBytesAtMost, late, MAX_CARD_BYTES, sizeBound } from '../../src/cards/expandCard';

/** A template of its own, so the cache entries of these tests belong to them alone. */
function template() {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: '${title}' },
      { type: 'TextBlock', text: 'User: ${user} (${percent})' },
      { type: 'Container', items: [{ type: 'TextBlock', text: '${note}' }] },
    ],
  };
}

describe('expandCardLate: per-paste values put into a cached expansion', () => {
  it('expands once per key and puts each call’s values into a frozen copy that shares the unchanged parts', () => {
    const tpl = template();
    let builds = 0;
    const data = () => {
      builds++;
      return { title: 'Logon failed', user: late('user'), percent: late('percent'), note: 'Same for everyone' };
    };
    const first = expandCardLate(tpl, 'k', data, { user: 'a@contoso.com', percent: '93%' });
    const second = expandCardLate(tpl, 'k', data, { user: 'b"quoted"@contoso.com', percent: '61%' });
    assert.equal(builds, 1);
    const body = (card: Record<string, unknown>) => card.body as Array<Record<string, unknown>>;
    assert.equal(body(first)[1]?.text, 'User: a@contoso.com (93%)');
    assert.equal(body(second)[1]?.text, 'User: b"quoted"@contoso.com (61%)');
    assert.equal(body(first)[0], body(second)[0], 'a part without late values is shared');
    assert.equal(body(first)[2], body(second)[2]);
    assert.ok(Object.isFrozen(second) && Object.isFrozen(body(second)) && Object.isFrozen(body(second)[1]));
    assert.ok(!JSON.stringify(second).includes('\ue000'), 'no marker is left');
  });

  it('inserts values as text: a value that looks like a marker or an expression stays as it is', () => {
    const value = `${late('percent')} \${title}`;
    const card = expandCardLate(template(), 'k', () => ({ title: 'T', user: late('user'), percent: late('percent'), note: 'n' }), { user: value, percent: '1%' });
    assert.equal((card.body as Array<{ text: string }>)[1]?.text, `User: ${value} (1%)`);
  });

  it('refuses a missing value', () => {
    const data = () => ({ title: 'T', user: late('user'), percent: late('percent'), note: 'n' });
    assert.throws(() => expandCardLate(template(), 'k', data, { user: 'u' }), /no value for the late field "percent"/);
  });

  it('returns the cached card itself when it has no late values', () => {
    const tpl = template();
    const data = () => ({ title: 'T', user: 'u', percent: 'p', note: 'n' });
    assert.equal(expandCardLate(tpl, 'k', data, {}), expandCardLate(tpl, 'k', data, {}));
  });
});

describe('fitCard: the card measured as it is sent', () => {
  const data = () => ({ title: 'T', user: late('user'), percent: late('percent'), note: 'n' });
  const render = (user: string) => expandCardLate(template(), 'fit', data, { user, percent: '1%' });

  it('counts what JSON escapes as escaped: a value of control characters takes six bytes each', () => {
    const controls = '\u0001'.repeat(5000);
    assert.ok(Buffer.byteLength(controls) < MAX_CARD_BYTES, 'small as raw UTF-8');
    assert.ok(cardBytes(render(controls)) > MAX_CARD_BYTES, 'too large as sent');
    assert.throws(() => fitCard([controls], render), CardTooLargeError);
  });

  it('takes the first variant that fits', () => {
    const card = fitCard(['\u0001'.repeat(5000), '\u0001'.repeat(3000), 'short'], render);
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES);
    assert.equal((card.body as Array<{ text: string }>)[1]?.text, `User: ${'\u0001'.repeat(3000)} (1%)`);
  });

  it("never bounds a card's size below its size as sent, so a card under its bound is measured no further", () => {
    for (const user of ['a', '\u0001'.repeat(100), '"quoted" \\ back', '😀\ud800', late('percent')]) {
      const card = render(user);
      assert.ok((sizeBound(card) ?? 0) >= cardBytes(card), JSON.stringify(user));
    }
  });

  it('bounds a value as JSON from its string lengths, never below its size', () => {
    const values: unknown[] = ['', 'a', '\u0001\u001f', '"\\', '관리자', '😀', '\ud800', { k: ['x', 1, true, null, { '\u0000': 'y' }] }, []];
    for (const value of values) assert.ok(jsonBytesAtMost(value) >= Buffer.byteLength(JSON.stringify(value)), JSON.stringify(value));
  });

  it('lets any other error of a render through', () => {
    assert.throws(() => fitCard(['x'], () => expandCardLate(template(), 'fit', data, {})), /no value for the late field/);
  });
});
