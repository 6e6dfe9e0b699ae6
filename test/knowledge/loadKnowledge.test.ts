import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKnowledge, KnowledgeError, LANGS, loadKnowledge, loadQuestionTree } from '../../src/knowledge';
import { knowledgeDataDir } from '../../src/knowledge/loadKnowledge';
import { allMessageKeys, t } from '../../src/knowledge/messages';
import { repoRoot } from '../helpers/fixtures';

describe('knowledge: loading the failure modes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-knowledge-'));
    cpSync(knowledgeDataDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the nine documented modes of the connector, in article order', () => {
    const { modes } = loadKnowledge(dir);
    assert.deepEqual(
      modes.filter((m) => m.pack === 'skype-connector').map((m) => m.id),
      ['execution-policy', 'powershell-version', 'liveid-connect-failed', 'liveid-module-missing', 'logon-failed', 'no-tenant-permission', 'tenant-remote-powershell-disabled', 'user-shell-limit', 'tenant-shell-limit'],
    );
  });

  it('names the file and the field when a mode file is broken', () => {
    const file = join(dir, 'modes', 'logon-failed.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    delete data.cause.ko;
    writeFileSync(file, JSON.stringify(data));
    assert.throws(() => loadKnowledge(dir), (err: unknown) => err instanceof KnowledgeError && /logon-failed\.json/.test(err.message) && /cause\.ko/.test(err.message));
  });

  it('names the file when it is not JSON', () => {
    writeFileSync(join(dir, 'modes', 'user-shell-limit.json'), '{ not json');
    assert.throws(() => loadKnowledge(dir), /user-shell-limit\.json: not readable JSON/);
  });

  it('rejects a file whose name does not match its id', () => {
    const from = join(dir, 'modes', 'logon-failed.json');
    writeFileSync(join(dir, 'modes', 'logon-failed.json'), readFileSync(join(dir, 'modes', 'user-shell-limit.json')));
    assert.throws(() => loadKnowledge(dir), (err: unknown) => err instanceof Error && err.message.includes(from) && /does not match/.test(err.message));
  });

  it('rejects a guided answer that leads to a mode the knowledge does not have', () => {
    rmSync(join(dir, 'modes', 'tenant-shell-limit.json'));
    const modeIds = loadKnowledge(dir).modes.map((m) => m.id);
    assert.throws(() => loadQuestionTree(join(dir, 'tree.json'), modeIds), /failure mode tenant-shell-limit: no such mode/);
  });

  it('rejects a mode of a pack that packs.json does not name', () => {
    const file = join(dir, 'modes', 'logon-failed.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pack: 'no-such-pack' }));
    assert.throws(() => loadKnowledge(dir), /logon-failed\.json: pack: no pack "no-such-pack"/);
  });

  it('rejects a signature that requires a context contexts.json does not name', () => {
    const file = join(dir, 'modes', 'logon-failed.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.signatures[0].requires = 'no-such-context';
    writeFileSync(file, JSON.stringify(data));
    assert.throws(() => loadKnowledge(dir), /logon-failed\.json: signatures\.0: no context "no-such-context"/);
  });
});

describe('knowledge: content', () => {
  const { modes } = defaultKnowledge();
  it('links every mode to its article section', () => {
    for (const m of modes.filter((mode) => mode.pack === 'skype-connector')) assert.match(m.article.url, /#BKMK[A-Za-z]+$/, m.id);
  });
  it('quotes the shell limits of the article: 3 per user, 20 per tenant', () => {
    const user = modes.find((m) => m.id === 'user-shell-limit');
    const tenant = modes.find((m) => m.id === 'tenant-shell-limit');
    assert.match(user?.cause.en ?? '', /\b3\b|three/i);
    assert.match(tenant?.cause.en ?? '', /\b20\b|twenty/i);
  });
  it('has localized Windows texts of the execution-policy message for ko, ja, de, fr, es and zh', () => {
    const langs = new Set(modes.find((m) => m.id === 'execution-policy')?.signatures.filter((s) => s.source === 'localized-windows').map((s) => s.lang.slice(0, 2)));
    for (const lang of ['ko', 'ja', 'de', 'fr', 'es', 'zh']) assert.ok(langs.has(lang), `missing ${lang}`);
  });
  it('has every catalog message in every language', () => {
    for (const key of allMessageKeys()) for (const lang of LANGS) assert.ok(t(lang, key).trim().length > 0, `${key}.${lang}`);
  });
  it('fills a message\'s placeholders, keeps one it has no value for, and gives a message without any as it is', () => {
    assert.equal(t('en', 'confidence.likely', { percent: 80 }), 'Likely (80%)');
    assert.equal(t('ko', 'confidence.likely', { percent: 80 }), '가능성 높음 (80%)');
    assert.equal(t('en', 'confidence.likely'), 'Likely ({percent}%)');
    assert.equal(t('en', 'section.cause', { percent: 80 }), 'Cause');
    assert.equal(t('ko', 'section.cause'), '원인');
  });
  it('uses distinct Korean and English texts (nothing left untranslated)', () => {
    for (const key of allMessageKeys()) {
      if (['fact.cmdlet', 'card.welcome.title'].includes(key)) continue;
      assert.notEqual(t('ko', key), t('en', key), key);
    }
    for (const m of modes) {
      assert.notEqual(m.title.ko, m.title.en, m.id);
      assert.notEqual(m.cause.ko, m.cause.en, m.id);
    }
  });
});

describe('knowledge: stays pure', () => {
  it('imports no bot, server or card library', () => {
    const dir = join(repoRoot(), 'src', 'knowledge');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 3);
    for (const f of files) {
      const source = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(source, /from ['"](botbuilder[\w-]*|botframework[\w-]*|restify|adaptivecards[\w-]*|adaptive-expressions)['"]/, f);
      assert.doesNotMatch(source, /from ['"]\.\.\/(?!knowledge)/, `${f} imports outside the knowledge core`);
    }
  });
});
