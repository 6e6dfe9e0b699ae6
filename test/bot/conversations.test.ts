import { strict as assert } from 'node:assert';
import type { Activity, Attachment } from 'botbuilder';
import sinon from 'sinon';
import { MAX_CARD_BYTES } from '../../src/cards/expandCard';
import { MAX_CONTEXT_TEXT, MAX_FACT_CHARS, MAX_STEP_CHARS, MAX_STEPS, SupportContext } from '../../src/cards/SupportContext';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { defaultKnowledge, defaultMatcher, loadQuestionTree, type FailureMode, type FailureModeId, type Lang, type Matcher } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { BOT, MENTION_TEXT, USER_A, USER_B, cardSubmit, conversationUpdate, invoke, messageFrom, type ActivityOptions } from '../helpers/activities';
import { allTextOf, buttonData, cardOf, createHarness, describeReplies, markdownTextsOf, submitActions, textsOf, titleOf, type BotHarness, type CardJson } from '../helpers/botHarness';

const { modes } = defaultKnowledge();
const tree = loadQuestionTree();
const NOW = new Date('2025-01-15T09:30:00.000Z');
/** Every reply of a turn is queued before `send` resolves: a short wait proves there is none. */
const NO_REPLY_MS = 30;

function mode(id: FailureModeId): FailureMode {
  const found = modes.find((m) => m.id === id);
  assert.ok(found, id);
  return found;
}

type Inspector = (reply: Partial<Activity>) => void;

const card = (check: (card: CardJson) => void): Inspector => (reply) => check(cardOf(reply));

/** A diagnosis of the mode: its title first, and every button about that mode. */
const diagnosisOf = (m: FailureMode, lang: Lang, { confident = true }: { confident?: boolean } = {}) =>
  card((c) => {
    assert.equal(titleOf(c), m.title[lang]);
    const confidenceLines = textsOf(c).filter((text) => text.startsWith(`${t(lang, 'section.confidence')}:`));
    assert.equal(confidenceLines.length, confident ? 1 : 0, `confidence line ${confident ? 'expected' : 'not expected'}`);
    const actions = submitActions(c);
    assert.ok(actions.length >= 4, 'feedback, guided and support buttons');
    for (const action of actions) assert.equal(action.data['failureMode'], m.id, `${action.title} is about ${m.id}`);
  });

const titled = (title: string) => card((c) => assert.equal(titleOf(c), title));

const notRecognised = (lang: Lang) =>
  card((c) => {
    assert.equal(titleOf(c), t(lang, 'notRecognised.title'));
    const verbs = submitActions(c).map((a) => a.data['verb']);
    assert.ok(!verbs.includes('feedback'), 'nothing was diagnosed, so nothing to rate');
    for (const m of modes) assert.ok(textsOf(c).includes(`${m.order}. ${m.title[lang]}`), `lists ${m.id}`);
  });

/** Sends a paste and returns the diagnosis card it got. */
async function diagnosisCardFor(h: BotHarness, text: string, options: ActivityOptions = {}): Promise<CardJson> {
  const replies = await h.say(messageFrom(text, options));
  assert.equal(replies.length, 1);
  return cardOf(replies[0]);
}

function insertAt(text: string, index: number, insert: string): string {
  return `${text.slice(0, index)}${insert}${text.slice(index)}`;
}

describe('conversations with Connector Doctor', () => {
  let h: BotHarness;

  beforeEach(() => {
    h = createHarness({ now: () => NOW });
  });

  afterEach(() => {
    sinon.restore();
  });

  describe('a pasted error gets the diagnosis of its failure mode', () => {
    for (const m of modes) {
      it(`${m.id}: the English error with an en-US locale gets the English card`, async () => {
        await h.adapter.send(messageFrom(m.errorText, { locale: 'en-US' })).assertReply(diagnosisOf(m, 'en'));
      });

      it(`${m.id}: the Korean article's error with a ko-KR locale gets the Korean card`, async () => {
        await h.adapter.send(messageFrom(m.errorTextKo ?? m.errorText, { locale: 'ko-KR' })).assertReply(diagnosisOf(m, 'ko'));
      });
    }

    it('with no locale, Korean words around an English error get the Korean card', async () => {
      const m = mode('logon-failed');
      const paste = `안녕하세요, 접속할 때 이런 오류가 나옵니다:\n${m.errorText}\n어떻게 해결하나요?`;
      await h.adapter.send(messageFrom(paste, { locale: null })).assertReply(diagnosisOf(m, 'ko'));
    });

    it('with an en-US locale, Korean words around an English error still get the English card', async () => {
      const m = mode('logon-failed');
      const paste = `안녕하세요, 접속할 때 이런 오류가 나옵니다:\n${m.errorText}`;
      await h.adapter.send(messageFrom(paste, { locale: 'en-US' })).assertReply(diagnosisOf(m, 'en'));
    });

    it('a paste as Teams HTML (paragraphs, entities) is diagnosed like plain text', async () => {
      const m = mode('logon-failed');
      const html = `<p>${m.errorText.replace(/'/g, '&#39;')}</p><br><p>&nbsp;</p>`;
      await h.adapter.send(messageFrom(html)).assertReply(diagnosisOf(m, 'en'));
    });
  });

  describe('in channels and group chats the bot answers only when mentioned', () => {
    const m = mode('logon-failed');
    const middle = m.errorText.indexOf(' Please');
    const placements: Array<[string, string]> = [
      ['at the start', `${MENTION_TEXT} ${m.errorText}`],
      ['in the middle', insertAt(m.errorText, middle, ` ${MENTION_TEXT}`)],
      ['at the end', `${m.errorText}\n${MENTION_TEXT}`],
    ];
    for (const conversationType of ['channel', 'groupChat'] as const) {
      for (const [where, text] of placements) {
        it(`${conversationType}: a mention ${where} of the paste gets the diagnosis`, async () => {
          await h.adapter.send(messageFrom(text, { conversationType, mention: true })).assertReply(diagnosisOf(m, 'en'));
        });
      }

      it(`${conversationType}: a paste without a mention gets no reply`, async () => {
        await h.adapter.send(messageFrom(m.errorText, { conversationType })).assertNoReply('not addressed', NO_REPLY_MS);
      });

      it(`${conversationType}: a paste mentioning someone else gets no reply`, async () => {
        const other = { type: 'mention', text: '<at>Lee Ji-eun</at>', mentioned: { id: USER_B.id, name: USER_B.name } };
        await h.adapter
          .send(messageFrom(`<at>Lee Ji-eun</at> ${m.errorText}`, { conversationType, entities: [other] }))
          .assertNoReply('addressed to a person', NO_REPLY_MS);
      });
    }

    it("Teams' own shape (CRLF around the mention) still reads as a command", async () => {
      await h.adapter
        .send(messageFrom(`\r\n${MENTION_TEXT} troubleshoot\r\n`, { conversationType: 'channel', mention: true }))
        .assertReply(card((c) => assert.ok(textsOf(c).includes(tree.questions[0]?.text.en ?? ''))));
    });

    it('a bare mention in a channel gets the help card', async () => {
      await h.adapter.send(messageFrom(MENTION_TEXT, { conversationType: 'channel', mention: true })).assertReply(titled(t('en', 'card.help.title')));
    });
  });

  describe('commands', () => {
    for (const [word, lang] of [['help', 'en'], ['도움말', 'ko']] as const) {
      it(`"${word}" gets the help card`, async () => {
        await h.adapter.send(messageFrom(word, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' })).assertReply(titled(t(lang, 'card.help.title')));
      });
    }

    for (const [word, lang] of [['list', 'en'], ['목록', 'ko']] as const) {
      it(`"${word}" lists every failure mode under its pack`, async () => {
        await h.adapter.send(messageFrom(word, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' })).assertReply(
          card((c) => {
            assert.equal(titleOf(c), t(lang, 'knownModes.title'));
            const shown = submitActions(c).filter((a) => a.data['verb'] === 'showMode').map((a) => a.data['failureMode']);
            assert.deepEqual(shown, modes.map((x) => x.id), 'every mode, pack by pack, in order');
            for (const x of modes) assert.ok(textsOf(c).includes(`${x.order}. ${x.title[lang]}`));
          }),
        );
      });
    }

    for (const [word, lang] of [['troubleshoot', 'en'], ['문제 해결', 'ko']] as const) {
      it(`"${word}" asks the first guided question`, async () => {
        const first = tree.questions.find((q) => q.id === tree.start);
        assert.ok(first);
        await h.adapter.send(messageFrom(word, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' })).assertReply(
          card((c) => {
            assert.ok(textsOf(c).includes(first.text[lang]));
            const answers = submitActions(c).filter((a) => a.data['verb'] === 'answer');
            assert.deepEqual(
              answers.map((a) => a.data['answerId']),
              first.answers.map((a) => a.id),
            );
          }),
        );
      });
    }

    it('"cancel" with nothing running says so politely', async () => {
      await h.adapter.send(messageFrom('cancel')).assertReply(t('en', 'reply.guidedNotActive'));
    });

    it('an empty message gets the help card', async () => {
      await h.adapter.send(messageFrom('')).assertReply(titled(t('en', 'card.help.title')));
    });

    it('a message with only an image asks for the error as text', async () => {
      const image = { contentType: 'image/png', contentUrl: 'https://example.invalid/screenshot.png', name: 'screenshot.png' };
      await h.adapter.send(messageFrom('', { attachments: [image] })).assertReply(t('en', 'reply.askForText'));
    });

    it('an image pasted in Teams (an image plus its text/html <img> wrapper) asks for the error as text', async () => {
      // Teams sends a pasted screenshot as an image attachment plus a text/html attachment holding only <img>.
      const attachments = [
        { contentType: 'image/*', contentUrl: 'https://smba.trafficmanager.net/amer/v3/attachments/0-eus-d1/views/original' },
        {
          contentType: 'text/html',
          content: '<div><div>\n<div><span><img height="250" src="https://graph.microsoft.com/beta/chats/x/messages/1/hostedContents/y/$value" width="250" style="vertical-align:bottom"></span>\n\n</div>\n</div>\n</div>',
        },
      ];
      const replies = await h.say(messageFrom('', { attachments }));
      assert.equal(describeReplies(replies), JSON.stringify([t('en', 'reply.askForText')]));
    });

    it('text it does not recognise gets the not-recognised card with the known modes and nothing to rate', async () => {
      await h.adapter.send(messageFrom('Hi, how are you today?')).assertReply(notRecognised('en'));
    });

    it('Korean text it does not recognise gets the Korean not-recognised card', async () => {
      await h.adapter.send(messageFrom('안녕하세요, 오늘 날씨 어때요?', { locale: 'ko-KR' })).assertReply(notRecognised('ko'));
    });
  });

  describe('welcome', () => {
    it('the bot being added gets the welcome card', async () => {
      await h.adapter.send(conversationUpdate([BOT])).assertReply(titled(t('en', 'card.welcome.title')));
    });

    it('the bot being added to a Korean team gets the Korean welcome card', async () => {
      await h.adapter.send(conversationUpdate([USER_A, BOT], { locale: 'ko-KR' })).assertReply(
        card((c) => assert.ok(textsOf(c).includes(t('ko', 'card.welcome.body')))),
      );
    });

    it('only a user being added gets no reply', async () => {
      await h.adapter.send(conversationUpdate([USER_A])).assertNoReply('nobody to welcome', NO_REPLY_MS);
    });
  });

  describe('feedback on a diagnosis', () => {
    const m = mode('logon-failed');

    it('"That fixed it" is acknowledged and recorded as helpful', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorText, { tenantId: 'Tenant-1' });
      const first = submitActions(diagnosis)[0];
      assert.ok(first);
      assert.equal(first.title, t('en', 'card.action.fixed'));
      await h.adapter.send(cardSubmit(first.data, { tenantId: 'Tenant-1' })).assertReply(
        card((c) => {
          assert.equal(titleOf(c), t('en', 'card.feedback.title'));
          assert.ok(textsOf(c).includes(t('en', 'card.feedback.thanksHelpful')));
          assert.deepEqual(submitActions(c), [], 'nothing more to offer');
        }),
      );
      const records = await h.feedbackRecords();
      assert.equal(records.length, 1);
      const [record] = records;
      assert.ok(record);
      assert.equal(record.failureMode, 'logon-failed');
      assert.equal(record.helpful, true);
      assert.equal(record.conversationId, 'a:personal-29:user-a');
      assert.equal(record.tenantId, 'tenant-1');
      assert.equal(record.userId, USER_A.aadObjectId);
      assert.equal(record.source, 'paste');
      assert.equal(record.at, NOW.toISOString());
      const diagnosisId = first.data['diagnosisId'];
      assert.equal(typeof diagnosisId, 'string');
      assert.equal(record.diagnosisId, diagnosisId, 'the record names the diagnosis it rates');
      const diagnosed = h.logged('info').filter((line) => line['msg'] === 'paste diagnosed');
      assert.deepEqual(
        diagnosed.map((line) => line['diagnosisId']),
        [diagnosisId],
        'and so does the log line of the diagnosis',
      );
    });

    it('a paste it does not recognise is logged with a diagnosis id too', async () => {
      await h.say(messageFrom('My printer says PC LOAD LETTER.'));
      const [line] = h.logged('info').filter((l) => l['msg'] === 'paste not recognised');
      assert.match(String(line?.['diagnosisId']), /^[0-9a-f-]{12}$/);
    });

    it('"Didn\'t help" is recorded as not helpful and offers the other possibilities, guided troubleshooting and a support request', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      await h.adapter.send(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped')))).assertReply(
        card((c) => {
          assert.ok(textsOf(c).includes(t('en', 'card.feedback.thanksNotHelpful')));
          assert.deepEqual(
            submitActions(c).map((a) => a.data['verb']),
            ['alternatives', 'guided', 'supportRequest'],
          );
        }),
      );
      const records = await h.feedbackRecords();
      assert.deepEqual(
        records.map((r) => [r.failureMode, r.helpful]),
        [['logon-failed', false]],
      );
    });

    it('"Prepare a support request" on the acknowledgement still has the error text', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      const ack = cardOf((await h.say(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped')))))[0]);
      await h.adapter.send(cardSubmit(buttonData(ack, 'supportRequest'))).assertReply(
        card((c) => assert.ok(allTextOf(c).includes("Logon failed for the user 'kenmyer@litwareinc.com'"), 'the error text')),
      );
    });

    it('"Didn\'t help" pressed twice by the same person is one record, counted once', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      const notHelped = buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped'));
      await h.say(cardSubmit(notHelped));
      await h.say(cardSubmit(notHelped));
      assert.deepEqual(
        (await h.feedbackRecords()).map((r) => [r.diagnosisId, r.helpful]),
        [[notHelped['diagnosisId'], false]],
      );
      assert.match(h.parts.metrics.render([m.id]), /^connector_doctor_feedback_total\{failure_mode="logon-failed",helpful="false"\} 1$/m);
    });

    it('a second press by the same person on the same diagnosis updates their record to the latest verdict', async () => {
      let now = NOW;
      h = createHarness({ now: () => now });
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      await h.say(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.fixed'))));
      now = new Date(NOW.getTime() + 60_000);
      await h.say(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped'))));
      assert.deepEqual(
        (await h.feedbackRecords()).map((r) => [r.helpful, r.at]),
        [[false, now.toISOString()]],
      );
    });

    it("each person's press on the same card in a channel is their own record", async () => {
      const thread: ActivityOptions = { conversationType: 'channel', mention: true };
      const diagnosis = await diagnosisCardFor(h, `${MENTION_TEXT} ${m.errorText}`, thread);
      await h.say(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.fixed')), { ...thread, from: USER_A }));
      await h.say(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped')), { ...thread, from: USER_B }));
      assert.deepEqual(
        (await h.feedbackRecords()).map((r) => [r.userId, r.helpful]).sort(),
        [
          [USER_A.aadObjectId, true],
          [USER_B.aadObjectId, false],
        ],
      );
    });

    it('in Teams the acknowledgement replaces the card that was pressed', async () => {
      const update = sinon.spy(h.adapter, 'updateActivity');
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      await h.adapter.send(cardSubmit(buttonData(diagnosis, 'feedback'), { replyToId: 'card-activity-1' })).assertNoReply('updated in place', NO_REPLY_MS);
      sinon.assert.calledOnce(update);
      const updated = update.firstCall.args[1];
      assert.equal(updated.id, 'card-activity-1');
      assert.equal(titleOf(cardOf(updated)), t('en', 'card.feedback.title'));
      assert.equal((await h.feedbackRecords()).length, 1);
    });

    it('when the card cannot be replaced, the acknowledgement is sent as a new message', async () => {
      sinon.stub(h.adapter, 'updateActivity').rejects(new Error('Activity not found'));
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      await h.adapter.send(cardSubmit(buttonData(diagnosis, 'feedback'), { replyToId: 'card-activity-1' })).assertReply(titled(t('en', 'card.feedback.title')));
      assert.equal(h.logged('warn').length, 1);
    });
  });

  describe('support request', () => {
    const m = mode('logon-failed');

    it('works from another instance with empty storage: the button carries what it needs', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      const elsewhere = createHarness({ now: () => NOW });
      const replies = await elsewhere.say(cardSubmit(buttonData(diagnosis, 'supportRequest')));
      const summary = allTextOf(cardOf(replies[0]));
      assert.ok(summary.includes("Logon failed for the user 'kenmyer@litwareinc.com'"), 'the error text');
      assert.ok(summary.includes(`${t('en', 'fact.userPrincipalName')}: kenmyer@litwareinc.com`), 'the UPN');
    });

    it('a crafted context with a secret still gets it removed', async () => {
      const replies = await h.say(
        cardSubmit({ verb: 'supportRequest', failureMode: m.id, context: { source: 'paste', redactedText: `${m.errorText}
$password = 'Crafted1!'`, facts: {}, stepsTaken: [] } }),
      );
      const summary = allTextOf(cardOf(replies[0]));
      assert.ok(summary.includes('[REDACTED]'));
      assert.ok(!summary.includes('Crafted1!'));
    });
    const SECRETS = /Sup3rS3cret!|Hunter2pass/;
    const pastes: Array<[string, string]> = [
      ['as plain text', `$password = 'Sup3rS3cret!'\n$secure = ConvertTo-SecureString "Hunter2pass" -AsPlainText -Force\n${m.errorText}`],
      [
        'as Teams HTML',
        `<p>$password = &#39;Sup3rS3cret!&#39;</p><p>$secure = ConvertTo-SecureString &quot;Hunter2pass&quot; -AsPlainText -Force</p><p>${m.errorText.replace(/'/g, '&#39;')}</p>`,
      ],
    ];

    for (const [how, paste] of pastes) {
      it(`a paste with secrets ${how}: warned, and the summary has the redacted error, the UPN and the UTC time, never the secrets`, async () => {
        const replies: Partial<Activity>[] = [];
        const keep = (check: Inspector): Inspector => (reply) => {
          replies.push(reply);
          check(reply);
        };
        let diagnosis: CardJson = {};
        await h.adapter.send(messageFrom(paste)).assertReply(
          keep(
            card((c) => {
              diagnosis = c;
              assert.equal(titleOf(c), m.title.en);
              assert.ok(
                textsOf(c).some((text) => text === t('en', 'card.diagnosis.secretWarning', { kinds: t('en', 'secret.password') })),
                'the secret warning',
              );
            }),
          ),
        );
        await h.adapter.send(cardSubmit(buttonData(diagnosis, 'supportRequest'))).assertReply(
          keep(
            card((c) => {
              assert.equal(titleOf(c), t('en', 'card.support.title'));
              const all = allTextOf(c);
              assert.ok(all.includes(m.title.en));
              assert.ok(all.includes('(logon-failed)'));
              assert.ok(all.includes("Get-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'."), 'the error sentence');
              assert.ok(all.includes('[REDACTED]'));
              assert.ok(all.includes(`${t('en', 'fact.userPrincipalName')}: kenmyer@litwareinc.com`), 'the UPN');
              assert.ok(all.includes(`${t('en', 'card.support.time')}: ${NOW.toISOString()}`), 'the UTC time');
            }),
          ),
        );
        // "Didn't help" carries the context too, and stores a feedback record.
        await h.adapter.send(cardSubmit(buttonData(diagnosis, 'feedback', t('en', 'card.action.notHelped')))).assertReply(keep(card((c) => assert.equal(titleOf(c), t('en', 'card.feedback.title')))));
        for (const reply of replies) assert.doesNotMatch(JSON.stringify(reply), SECRETS);
        assert.doesNotMatch(h.everythingStored(), SECRETS);
        assert.ok(h.storage.writes.length > 0 && h.logLines.length > 0, 'there was something to search');
      });
    }

    it('a support request for a card whose diagnosis is no longer remembered says the error text is missing', async () => {
      await h.adapter.send(cardSubmit({ verb: 'supportRequest', failureMode: 'logon-failed', diagnosisId: 'forgotten' })).assertReply(
        card((c) => assert.ok(allTextOf(c).includes(t('en', 'card.support.errorTextMissing')))),
      );
    });
  });

  describe('other possibilities', () => {
    const m = mode('tenant-shell-limit');

    it('lists the other candidates of the paste, and showing one gives its card without a confidence line', async () => {
      const diagnosis = await diagnosisCardFor(h, m.errorTextKo ?? m.errorText, { locale: 'ko-KR' });
      assert.equal(titleOf(diagnosis), m.title.ko);
      const others = buttonData(diagnosis, 'alternatives');
      const candidates = others['candidates'];
      assert.ok(Array.isArray(candidates) && candidates.length >= 1, `other candidates: ${JSON.stringify(candidates)}`);
      let pick: Record<string, unknown> = {};
      await h.adapter.send(cardSubmit(others, { locale: 'ko-KR' })).assertReply(
        card((c) => {
          assert.ok(textsOf(c).includes(t('ko', 'card.list.alternativesIntro')));
          const shown = submitActions(c)
            .filter((a) => a.data['verb'] === 'showMode')
            .map((a) => a.data['failureMode']);
          for (const id of candidates) assert.ok(shown.includes(id), `lists ${String(id)}`);
          assert.ok(!shown.includes(m.id), 'not the diagnosis itself');
          pick = buttonData(c, 'showMode');
        }),
      );
      const picked = mode(pick['failureMode'] as FailureModeId);
      await h.adapter.send(cardSubmit(pick, { locale: 'ko-KR' })).assertReply(diagnosisOf(picked, 'ko', { confident: false }));
    });

    it('without the remembered diagnosis, the candidates on the card are listed', async () => {
      const submit = { verb: 'alternatives', failureMode: m.id, diagnosisId: 'forgotten', candidates: ['user-shell-limit'] };
      await h.adapter.send(cardSubmit(submit)).assertReply(
        card((c) =>
          assert.deepEqual(
            submitActions(c)
              .filter((a) => a.data['verb'] === 'showMode')
              .map((a) => a.data['failureMode']),
            ['user-shell-limit'],
          ),
        ),
      );
    });

    it('with no other candidates it says there are none', async () => {
      await h.adapter.send(cardSubmit({ verb: 'alternatives', failureMode: m.id })).assertReply(t('en', 'reply.noAlternatives'));
    });
  });

  describe('card submits it cannot read', () => {
    const bad: Array<[string, unknown]> = [
      ['an unknown verb', { verb: 'nope' }],
      ['feedback without its fields', { verb: 'feedback' }],
      ['a string instead of an object', 'That fixed it'],
      ['feedback with a wrong type and an unknown mode', { verb: 'feedback', helpful: 'yes', failureMode: 'x' }],
      ['an answer whose ids are too long', { verb: 'answer', flowId: 'f'.repeat(65), questionId: 'stage', answerId: 'sign-in' }],
    ];
    for (const [what, value] of bad) {
      it(`${what} gets the polite bad-submit reply`, async () => {
        await h.adapter.send(cardSubmit(value)).assertReply(t('en', 'reply.badSubmit'));
        assert.deepEqual(await h.feedbackRecords(), []);
        assert.deepEqual(h.logged('error'), [], 'no turn failed');
      });
    }

    it('a well-formed "help" submit still works', async () => {
      await h.adapter.send(cardSubmit({ verb: 'help' })).assertReply(titled(t('en', 'card.help.title')));
    });
  });

  describe('hostile pastes', () => {
    it('a 28 KB paste with template syntax, a markdown link and an @Everyone tag gets a small, inert not-recognised card', async () => {
      const head = '${failureMode} [x](https://evil.example) <at>Everyone</at>\n';
      const paste = head + 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil((28 * 1024) / 45));
      assert.ok(Buffer.byteLength(paste) >= 28 * 1024);
      await h.adapter.send(messageFrom(paste)).assertReply(
        card((c) => {
          assert.equal(titleOf(c), t('en', 'notRecognised.title'));
          const json = JSON.stringify(c);
          assert.ok(Buffer.byteLength(json) < MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`);
          assert.ok(json.includes('${failureMode}'), 'the template syntax is shown as text, not evaluated');
          assert.ok(!json.includes('<at>'), 'no mention markup');
          for (const text of markdownTextsOf(c)) assert.ok(!text.includes('evil.example'), `no markdown-rendering TextBlock links out: ${text}`);
        }),
      );
    });

    it('a paste over 100 KB is read at its head and its tail, and the user is told what was skipped', async () => {
      const m = mode('logon-failed');
      const paste = `${m.errorText}\n${'x'.repeat(110 * 1024)}`;
      await h.adapter
        .send(messageFrom(paste))
        .assertReply(t('en', 'reply.tooLong', { total: 110, head: 20, tail: 80, skipped: 10 }))
        .assertReply(diagnosisOf(m, 'en'));
    });

    it('a 188 KB transcript with the error at its end gets the diagnosis', async () => {
      const m = mode('tenant-shell-limit');
      const transcript = `${'PS C:\\> Get-CsOnlineUser -Identity someone@contoso.com | Format-List\nDisplayName : Someone\n'.repeat(2500)}`.slice(0, 185 * 1024);
      const paste = `${transcript}\n${m.errorText}`;
      assert.ok(paste.length > 185 * 1024);
      await h.adapter
        .send(messageFrom(paste))
        .assertReply((reply) => assert.match(String(reply.text), /185 KB|186 KB/))
        .assertReply(diagnosisOf(m, 'en'));
    });
  });

  describe("every reply fits Teams' 28 KB message limit, measured as sent", () => {
    const TEAMS_LIMIT = 28 * 1024;
    const sentBytes = (reply: Partial<Activity> | undefined) => Buffer.byteLength(JSON.stringify(reply));
    const worst = (n: number) => '\u0001'.repeat(n);
    const paddings: Array<[string, string]> = [
      ['control characters (six bytes each in JSON)', '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0010'.repeat(500)],
      ['Hangul (three bytes each)', '관리자'.repeat(1200)],
      ['emoji and lone surrogates', '😀\ud800'.repeat(1500)],
    ];
    for (const [what, padding] of paddings) {
      it(`a paste padded with ${what}: each diagnosis, in both languages, fits and its buttons still carry the paste's start`, async () => {
        for (const m of modes) {
          for (const locale of ['en-US', 'ko-KR']) {
            const [reply, ...more] = await h.say(messageFrom(`${m.errorText}\n${padding}`, { locale }));
            assert.equal(more.length, 0);
            assert.ok(sentBytes(reply) < TEAMS_LIMIT, `${m.id} ${locale}: ${sentBytes(reply)} bytes`);
            const context = buttonData(cardOf(reply), 'supportRequest')['context'] as { redactedText?: string } | undefined;
            assert.ok((context?.redactedText?.length ?? 0) >= 300, `${m.id} ${locale}: ${context?.redactedText?.length} characters of the paste left`);
          }
        }
        assert.deepEqual(h.logged('error'), []);
      });
    }

    it('the support context of the report (40 steps of 600 characters) is a button it cannot read, not a failed turn', async () => {
      const context = { source: 'guided', facts: {}, stepsTaken: Array.from({ length: 40 }, () => 's'.repeat(600)) };
      await h.adapter.send(cardSubmit({ verb: 'supportRequest', failureMode: 'logon-failed', context })).assertReply(t('en', 'reply.badSubmit'));
      assert.deepEqual(h.logged('error'), []);
    });

    it('a support context at the schema limits, of the characters JSON escapes most, fits every card it reaches', async () => {
      const facts = Object.fromEntries(['userPrincipalName', 'remoteServer', 'loadedPowerShellVersion', 'requiredPowerShellVersion', 'modulePath', 'cmdlet'].map((k) => [k, worst(MAX_FACT_CHARS)]));
      const context = { source: 'paste', redactedText: worst(MAX_CONTEXT_TEXT + 2), facts, stepsTaken: Array.from({ length: MAX_STEPS }, () => worst(MAX_STEP_CHARS)) };
      assert.ok(SupportContext.safeParse(context).success, 'at the limits, not past them');
      const submits = [
        { verb: 'supportRequest', failureMode: 'no-tenant-permission', diagnosisId: 'd-1', context },
        { verb: 'feedback', helpful: false, failureMode: 'no-tenant-permission', diagnosisId: 'd-1', context },
      ];
      for (const submit of submits) {
        for (const locale of ['en-US', 'ko-KR']) {
          const [reply] = await h.say(cardSubmit(submit, { locale }));
          cardOf(reply);
          assert.ok(sentBytes(reply) < TEAMS_LIMIT, `${submit.verb} ${locale}: ${sentBytes(reply)} bytes`);
        }
      }
      assert.deepEqual(h.logged('error'), []);
    });
  });

  describe('rate limit', () => {
    it('the fourth message in a row with a limit of 3 a minute gets the polite rate-limit reply; another user is still served', async () => {
      h = createHarness({ config: { rateLimitPerMinute: 3 } });
      const help = titled(t('en', 'card.help.title'));
      await h.adapter
        .send(messageFrom('help'))
        .assertReply(help)
        .send(messageFrom('help'))
        .assertReply(help)
        .send(messageFrom('help'))
        .assertReply(help)
        .send(messageFrom('help'))
        .assertReply(t('en', 'reply.rateLimited'))
        .send(messageFrom('help', { from: USER_B }))
        .assertReply(help);
    });
  });

  describe('allowed tenants', () => {
    beforeEach(() => {
      h = createHarness({ config: { allowedTenantIds: ['t1'] } });
    });

    it('a message from an allowed tenant is answered, whatever the case of its id', async () => {
      await h.adapter.send(messageFrom('help', { tenantId: 'T1' })).assertReply(titled(t('en', 'card.help.title')));
    });

    it('a message from another tenant gets no reply and a warning in the log', async () => {
      await h.adapter.send(messageFrom(mode('logon-failed').errorText, { tenantId: 't2' })).assertNoReply('not allowed', NO_REPLY_MS);
      const warnings = h.logged('warn');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]?.['tenantId'], 't2');
    });

    it('a message with no tenant at all gets no reply', async () => {
      await h.adapter.send(messageFrom('help', { tenantId: null })).assertNoReply('no tenant', NO_REPLY_MS);
    });

    it('a message-extension invoke from another tenant gets no diagnosis', async () => {
      const replies = await h.say(
        invoke('composeExtension/submitAction', { commandId: 'diagnoseMessage', messagePayload: { body: { contentType: 'html', content: mode('logon-failed').errorText } } }, { tenantId: 't2' }),
      );
      for (const reply of replies) assert.ok(!JSON.stringify(reply).includes(mode('logon-failed').title.en), `no diagnosis for tenant t2, got ${describeReplies(replies)}`);
      assert.equal(h.logged('warn').length, 1, 'a warning in the log');
    });

    for (const channelId of ['webchat', 'directline', 'emulator']) {
      it(`a ${channelId} message claiming an allowed tenant gets no reply: only Teams vouches for the tenant it names`, async () => {
        const claim = { ...messageFrom('help', { tenantId: 't1' }), channelId };
        await h.adapter.send(claim).assertNoReply('the tenant is only claimed', NO_REPLY_MS);
        assert.equal(h.logged('warn')[0]?.['channelId'], channelId);
      });
    }

    it('in local mode (no app id, nothing authenticated anyway) an Emulator message naming an allowed tenant is answered', async () => {
      h = createHarness({ config: { allowedTenantIds: ['t1'], localMode: true } });
      await h.adapter.send({ ...messageFrom('help', { tenantId: 't1' }), channelId: 'emulator' }).assertReply(titled(t('en', 'card.help.title')));
      await h.adapter.send({ ...messageFrom('help', { tenantId: 't1' }), channelId: 'webchat' }).assertNoReply('still not Teams', NO_REPLY_MS);
    });

    it('installing the bot in another tenant gets no welcome', async () => {
      const replies = await h.say(conversationUpdate([BOT], { tenantId: 't2' }));
      assert.equal(replies.length, 0, `got ${describeReplies(replies)}`);
    });
  });

  describe('message extension', () => {
    const m = mode('logon-failed');

    function invokeResult(reply: Partial<Activity> | undefined): { status: number; body: { composeExtension: Record<string, unknown> } } {
      assert.ok(reply, 'an invoke response');
      assert.equal(reply.type, 'invokeResponse');
      return reply.value as { status: number; body: { composeExtension: Record<string, unknown> } };
    }

    function resultCards(reply: Partial<Activity> | undefined): CardJson[] {
      const { status, body } = invokeResult(reply);
      assert.equal(status, 200);
      assert.equal(body.composeExtension['type'], 'result');
      return (body.composeExtension['attachments'] as Attachment[]).map((a) => cardOf({ attachments: [a] }));
    }

    it('"Diagnose this error" on a Teams message diagnoses its HTML body', async () => {
      const content = `<p>${m.errorText.replace(/'/g, '&#39;')}</p><br><p>Any idea? <at id="0">Lee Ji-eun</at></p>`;
      const messagePayload = {
        id: '1700000000000',
        body: { contentType: 'html', content },
        mentions: [{ id: 0, mentionText: 'Lee Ji-eun', mentioned: { user: { id: USER_B.aadObjectId, displayName: USER_B.name } } }],
        from: { user: { id: USER_B.aadObjectId, displayName: USER_B.name } },
      };
      await h.adapter.send(invoke('composeExtension/submitAction', { commandId: 'diagnoseMessage', commandContext: 'message', messagePayload })).assertReply((reply) => {
        const cards = resultCards(reply);
        assert.equal(cards.length, 1);
        assert.equal(titleOf(cards[0] as CardJson), m.title.en);
      });
    });

    it('"Diagnose this error" uses the text typed into its Error text box over the message', async () => {
      // The manifest gives the action an "errorText" box: "leave empty to use the message".
      const value = { commandId: 'diagnoseMessage', commandContext: 'message', data: { errorText: m.errorText }, messagePayload: { body: { contentType: 'html', content: '<p>See the error below</p>' } } };
      await h.adapter.send(invoke('composeExtension/submitAction', value)).assertReply((reply) => {
        const [only] = resultCards(reply);
        assert.equal(titleOf(only as CardJson), m.title.en);
      });
    });

    it('"Diagnose this error" with an empty Error text box uses the message', async () => {
      const value = { commandId: 'diagnoseMessage', data: { errorText: '' }, messagePayload: { body: { contentType: 'html', content: `<p>${m.errorText}</p>` } } };
      await h.adapter.send(invoke('composeExtension/submitAction', value)).assertReply((reply) => {
        const [only] = resultCards(reply);
        assert.equal(titleOf(only as CardJson), m.title.en);
      });
    });

    it('"Diagnose this error" on a message that is not an error gets the not-recognised card', async () => {
      const messagePayload = { body: { contentType: 'html', content: '<p>Lunch at noon?</p>' } };
      await h.adapter.send(invoke('composeExtension/submitAction', { commandId: 'diagnoseMessage', messagePayload })).assertReply((reply) => {
        const [only] = resultCards(reply);
        assert.equal(titleOf(only as CardJson), t('en', 'notRecognised.title'));
      });
    });

    const searches: Array<[string, FailureModeId[]]> = [
      ['shell', ['user-shell-limit', 'tenant-shell-limit']],
      ['실행 정책', ['execution-policy']],
      ['RBAC', ['no-tenant-permission']],
    ];
    for (const [query, expected] of searches) {
      it(`searching "${query}" finds ${expected.join(' and ')} first`, async () => {
        await h.adapter
          .send(invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: [{ name: 'query', value: query }] }))
          .assertReply((reply) => {
            const titles = resultCards(reply).map(titleOf);
            assert.deepEqual(
              new Set(titles.slice(0, expected.length)),
              new Set(expected.map((id) => mode(id).title.en)),
            );
          });
      });
    }

    it('opening the search (initialRun) lists every mode', async () => {
      await h.adapter
        .send(invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: [{ name: 'initialRun', value: 'true' }] }))
        .assertReply((reply) => assert.equal(resultCards(reply).length, modes.length));
    });

    it('searching for nothing known finds nothing', async () => {
      await h.adapter
        .send(invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: [{ name: 'query', value: 'printer jam' }] }))
        .assertReply((reply) => assert.deepEqual(resultCards(reply), []));
    });

    for (const name of ['composeExtension/query', 'composeExtension/submitAction']) {
      it(`${name} with an unknown command id gets a message response, not a crash`, async () => {
        await h.adapter.send(invoke(name, { commandId: 'somethingElse', parameters: [] })).assertReply((reply) => {
          const { status, body } = invokeResult(reply);
          assert.equal(status, 200);
          assert.equal(body.composeExtension['type'], 'message');
          assert.equal(body.composeExtension['text'], t('en', 'reply.unknownCommand'));
        });
      });
    }
  });

  describe('two people in one thread at once', () => {
    it('two people pasting at the same moment in one thread each keep their error text for the support request', async () => {
      const thread: ActivityOptions = { conversationType: 'channel', mention: true };
      const ann = mode('logon-failed');
      const bob = mode('liveid-connect-failed');
      await Promise.all([
        h.adapter.processActivity(messageFrom(`${MENTION_TEXT} ${ann.errorText}`, { ...thread, from: USER_A })),
        h.adapter.processActivity(messageFrom(`${MENTION_TEXT} ${bob.errorText}`, { ...thread, from: USER_B })),
      ]);
      const cards = h.adapter.activeQueue.splice(0).map((reply) => cardOf(reply));
      assert.deepEqual(cards.map(titleOf).sort(), [ann.title.en, bob.title.en].sort());
      for (const [m, from] of [[ann, USER_A], [bob, USER_B]] as const) {
        const diagnosis = cards.find((c) => titleOf(c) === m.title.en);
        assert.ok(diagnosis);
        const summary = allTextOf(cardOf((await h.say(cardSubmit(buttonData(diagnosis, 'supportRequest'), { ...thread, from })))[0]));
        assert.ok(summary.includes(m.errorText.slice(0, 40)), `${m.id}: the error text survived the other turn's save`);
      }
    });
  });

  describe('when something breaks', () => {
    it('a storage failure gets the apology with a reference, and the error is logged', async () => {
      const broken = new BoundedMemoryStorage();
      sinon.stub(broken, 'write').rejects(new Error('storage unavailable'));
      h = createHarness({ storage: broken });
      // Starting guided troubleshooting writes dialog state; a paste or help alone writes nothing.
      const replies = await h.say(messageFrom('troubleshoot'));
      const apology = replies.at(-1)?.text ?? '';
      const ref = /\(reference ([0-9a-f]{8})\)/.exec(apology)?.[1];
      assert.ok(ref, `an apology with a reference: ${apology}`);
      assert.equal(apology, t('en', 'reply.turnError', { ref }));
      const errors = h.logged('error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.['ref'], ref);
      h.logLines.splice(0);
    });
  });

  describe("a failed turn and other people's state", () => {
    it("ends only the sender's guided run: the thread's state and another person's run stay", async () => {
      const real = defaultMatcher();
      const matcher = Object.create(real) as Matcher;
      matcher.diagnose = (text) => {
        if (text.includes('BOOM')) throw new Error('the matcher broke');
        return real.diagnose(text);
      };
      h = createHarness({ matcher, config: { quietListening: true } });
      const thread: ActivityOptions = { conversationType: 'channel', conversationId: '19:general@thread.tacv2;messageid=7' };
      const mentioned = (text: string, from: typeof USER_A) => messageFrom(`${MENTION_TEXT} ${text}`, { ...thread, mention: true, from });
      const shells = mode('tenant-shell-limit');

      // The quiet listener answers once per thread: the thread's shared state remembers it has.
      await h.adapter.send(messageFrom(shells.errorText, thread)).assertReply(diagnosisOf(shells, 'en'));
      await h.say(mentioned('troubleshoot', USER_A));
      await h.say(mentioned('troubleshoot', USER_B));

      // Ken's paste during his run fails the turn.
      const failed = await h.say(mentioned('BOOM Get-CsWebTicket : Logon failed', USER_A));
      assert.match(failed.at(-1)?.text ?? '', /reference [0-9a-f]{8}/);
      assert.equal(h.logged('error').length, 1);

      await h.adapter.send(messageFrom(shells.errorText, thread)).assertNoReply('the thread still remembers its quiet answer', NO_REPLY_MS);
      await h.adapter.send(mentioned('cancel', USER_B)).assertReply(t('en', 'reply.guidedCancelled'));
      await h.adapter.send(mentioned('cancel', USER_A)).assertReply(t('en', 'reply.guidedNotActive'));
      h.logLines.splice(0);
    });
  });

  describe('quiet listening in channels', () => {
    const m = mode('tenant-shell-limit');
    const thread = (n: number): ActivityOptions => ({ conversationType: 'channel', conversationId: `19:general@thread.tacv2;messageid=${n}` });

    beforeEach(() => {
      h = createHarness({ config: { quietListening: true } });
    });

    it('answers a confident paste once per thread, and again in another thread', async () => {
      await h.adapter
        .send(messageFrom(m.errorText, thread(1)))
        .assertReply(diagnosisOf(m, 'en'))
        .send(messageFrom(mode('logon-failed').errorText, thread(1)))
        .assertNoReply('already answered in this thread', NO_REPLY_MS)
        .send(messageFrom(m.errorText, thread(2)))
        .assertReply(diagnosisOf(m, 'en'));
    });

    it('ignores small talk', async () => {
      await h.adapter.send(messageFrom('Anyone up for lunch?', thread(1))).assertNoReply('small talk', NO_REPLY_MS);
    });

    it('ignores a paste in a group chat', async () => {
      await h.adapter.send(messageFrom(m.errorText, { conversationType: 'groupChat' })).assertNoReply('group chats need a mention', NO_REPLY_MS);
    });

    it('a mention still gets an answer after the quiet one', async () => {
      await h.adapter
        .send(messageFrom(m.errorText, thread(1)))
        .assertReply(diagnosisOf(m, 'en'))
        .send(messageFrom(`${MENTION_TEXT} ${m.errorText}`, { ...thread(1), mention: true }))
        .assertReply(diagnosisOf(m, 'en'));
    });

    it('counts against the rate limit: past it, a confident paste is neither read nor answered', async () => {
      h = createHarness({ config: { quietListening: true, rateLimitPerMinute: 2 } });
      await h.adapter
        .send(messageFrom('Anyone up for lunch?', thread(1)))
        .assertNoReply('small talk', NO_REPLY_MS)
        .send(messageFrom('Noon works.', thread(2)))
        .assertNoReply('small talk', NO_REPLY_MS)
        .send(messageFrom(m.errorText, thread(3)))
        .assertNoReply('rate limited, and quiet about it', NO_REPLY_MS);
      assert.deepEqual(
        h.logged('warn').map((line) => line['msg']),
        ['rate limited'],
      );
    });

    it('is off unless configured', async () => {
      h = createHarness({ config: { quietListening: false } });
      await h.adapter.send(messageFrom(m.errorText, thread(1))).assertNoReply('not configured', NO_REPLY_MS);
    });
  });

  describe('the first hour: what a new admin meets', () => {
    for (const [text, key] of [
      ['hello there', 'reply.greeting'],
      ['Hi!', 'reply.greeting'],
      ['안녕하세요', 'reply.greeting'],
      ['thanks!', 'reply.thanks'],
      ['thanks, that fixed it!', 'reply.thanks'],
      ['감사합니다', 'reply.thanks'],
    ] as const) {
      it(`"${text}" gets one friendly line, not the error card`, async () => {
        const lang = /[가-힣]/.test(text) ? 'ko' : 'en';
        await h.adapter.send(messageFrom(text, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' })).assertReply(t(lang, key));
      });
    }

    it('"hello, I get this error" with an error in it is read as a paste (the failure case beside small talk)', async () => {
      const m = mode('logon-failed');
      await h.adapter.send(messageFrom(`hello there, I get this:\n${m.errorText}`)).assertReply(diagnosisOf(m, 'en'));
    });

    it('a paste with two known errors in full gets the first as the diagnosis and the other named with a button', async () => {
      const first = mode('user-shell-limit');
      const second = mode('logon-failed');
      const diagnosis = await diagnosisCardFor(h, `${first.errorText}\nAt line:1 char:12\n+ $session = New-PSSession -ConnectionUri $uri -Credential $cred\n\n${second.errorText}`);
      assert.equal(titleOf(diagnosis), first.title.en);
      assert.ok(textsOf(diagnosis).includes(t('en', 'section.alsoFound')));
      assert.ok(textsOf(diagnosis).includes(second.title.en));
      const show = submitActions(diagnosis).find((a) => a.data['verb'] === 'showMode');
      assert.equal(show?.data['failureMode'], second.id);
    });

    it('the closest candidates of an unrecognised paste are described in words that fit their numbers', async () => {
      const replies = await h.say(messageFrom('The WS-Management service cannot process the request. The maximum number of concurrent shells'));
      const texts = textsOf(cardOf(replies[0] ?? {}));
      for (const text of texts) {
        const percent = /\((\d+)%\)/.exec(text);
        if (!percent) continue;
        assert.ok(!text.includes('((') && !text.includes('))'), `no nested parentheses: ${text}`);
        const n = Number(percent[1]);
        if (n >= 30 && n < 60) assert.ok(text.includes(t('en', 'confidence.uncertain', { percent: n })), text);
        if (n < 30) assert.ok(text.includes(t('en', 'confidence.unlikely', { percent: n })), text);
      }
    });

    it('a support request for a mode that needs no support says when support is needed, not "why support"', async () => {
      const m = mode('execution-policy');
      assert.equal(m.escalation.need, 'never');
      const diagnosis = await diagnosisCardFor(h, m.errorText);
      const request = cardOf((await h.say(cardSubmit(buttonData(diagnosis, 'supportRequest'))))[0] ?? {});
      assert.ok(textsOf(request).includes(t('en', 'section.escalation')));
      assert.ok(textsOf(request).includes(m.escalation.when.en));
    });

    it('a support request from a card opened from the list says the diagnosis came from the list', async () => {
      const listed = cardOf((await h.say(messageFrom('list')))[0] ?? {});
      const shown = cardOf((await h.say(cardSubmit(buttonData(listed, 'showMode'))))[0] ?? {});
      const request = cardOf((await h.say(cardSubmit(buttonData(shown, 'supportRequest'))))[0] ?? {});
      assert.ok(allTextOf(request).includes(t('en', 'card.support.errorTextFromList')));
      assert.ok(!allTextOf(request).includes(t('en', 'card.support.errorTextFromGuided')));
    });

    it('Korean cards end with notes that point up at the fix, not down', async () => {
      for (const m of modes) {
        const diagnosis = await diagnosisCardFor(h, m.errorText, { locale: 'ko-KR' });
        const last = textsOf(diagnosis).at(-1) ?? '';
        assert.ok(!last.includes('아래'), `${m.id}: ${last}`);
      }
    });
  });
});
