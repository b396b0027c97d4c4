import { describe, expect, it } from 'vitest';
import {
  EMOJI, escapeHtml, mrkdwnToHtml, plainToHtml, renderBlock, renderBlocks, renderElement, renderMessageBody,
} from '../../../src/sandbox/playground/web/render-blocks.js';
import { outcomeBlocks } from '../../../src/blocks/outcome.ts';
import { confirmModal } from '../../../src/blocks/modal.ts';
import { homeView } from '../../../src/blocks/home.ts';

const ctx = {
  users: { U_LEAD: 'Rita Lead' },
  channels: { C_QE_RELEASE: 'team-qe-release' },
  groups: { S_QE_REL_419: 'openshift-qe-release-4-19' },
};

describe('mrkdwn', () => {
  it('renders bold, italic, strike, inline code, code blocks and line breaks', () => {
    expect(mrkdwnToHtml('*Pass* · _soon_ ~old~')).toBe('<b>Pass</b> · <i>soon</i> <s>old</s>');
    expect(mrkdwnToHtml('run `oar -r 4.19.1 *x*`')).toBe('run <code class="bk-code">oar -r 4.19.1 *x*</code>');
    expect(mrkdwnToHtml('```extras: 1\nimage: 2```')).toBe('<pre class="bk-pre">extras: 1\nimage: 2</pre>');
    expect(mrkdwnToHtml('a\nb')).toBe('a<br>b');
  });

  it('keeps snake_case words and arithmetic stars as they are', () => {
    expect(mrkdwnToHtml('build_data_url and 2 * 3 * 4')).toBe('build_data_url and 2 * 3 * 4');
  });

  it('renders links with labels, bare links and mailto, and refuses other schemes', () => {
    expect(mrkdwnToHtml('<https://jira.example/browse/ART-1|ART-1>')).toBe(
      '<a class="bk-link" href="https://jira.example/browse/ART-1" target="_blank" rel="noopener noreferrer">ART-1</a>',
    );
    expect(mrkdwnToHtml('<https://x.example/a_b_c>')).toContain('>https://x.example/a_b_c</a>');
    expect(mrkdwnToHtml('<mailto:a@b.example|a@b.example>')).toContain('href="mailto:a@b.example"');
    const js = mrkdwnToHtml('<javascript:alert(1)|click>');
    expect(js).not.toContain('<a');
    expect(js).toBe('&lt;javascript:alert(1)|click&gt;');
  });

  it('renders user, channel, user-group and special mentions with names from the context', () => {
    expect(mrkdwnToHtml('<@U_LEAD> in <#C_QE_RELEASE> for <!subteam^S_QE_REL_419> <!here>', ctx)).toBe(
      '<span class="bk-mention" data-user-id="U_LEAD">@Rita Lead</span> in <span class="bk-mention bk-channel">#team-qe-release</span> for ' +
        '<span class="bk-mention bk-group">@openshift-qe-release-4-19</span> <span class="bk-mention bk-special">@here</span>',
    );
    expect(mrkdwnToHtml('<@U_OTHER|someone>')).toContain('@someone');
    expect(mrkdwnToHtml('<!subteam^S9|@art-team>')).toContain('@art-team');
  });

  it('renders known emoji and leaves unknown ones', () => {
    expect(mrkdwnToHtml(':white_check_mark: :x: :no_such_emoji:')).toBe(
      `<span class="bk-emoji" title=":white_check_mark:">${EMOJI.white_check_mark}</span> <span class="bk-emoji" title=":x:">${EMOJI.x}</span> :no_such_emoji:`,
    );
  });

  it('escapes HTML from the message and decodes Slack entities once', () => {
    expect(mrkdwnToHtml('<script>alert(1)</script>')).not.toContain('<script');
    expect(mrkdwnToHtml('a &lt;b&gt; &amp;amp; "q"')).toBe('a &lt;b&gt; &amp;amp; &quot;q&quot;');
    expect(mrkdwnToHtml('`&lt;tag&gt;`')).toBe('<code class="bk-code">&lt;tag&gt;</code>');
  });

  it('does not let message text forge placeholders', () => {
    expect(mrkdwnToHtml('\uE0000\uE001 `x`')).toBe('0 <code class="bk-code">x</code>');
  });

  it('renders quotes', () => {
    expect(mrkdwnToHtml('&gt; quoted\nplain')).toBe('<span class="bk-quote">quoted</span><br>plain');
  });

  it('escapes plain text and renders its emoji unless disabled', () => {
    expect(plainToHtml('<b> :tada:')).toBe(`&lt;b&gt; <span class="bk-emoji" title=":tada:">${EMOJI.tada}</span>`);
    expect(plainToHtml(':tada:', false)).toBe(':tada:');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});

describe('blocks', () => {
  it('section: text, fields (a grid) and an accessory button', () => {
    const html = renderBlock({
      type: 'section',
      block_id: 'b1',
      text: { type: 'mrkdwn', text: '*Advisories*' },
      fields: [{ type: 'mrkdwn', text: '*Flow*\nErrata' }, { type: 'plain_text', text: 'ART-13172' }],
      accessory: { type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' }, value: 'v' },
    });
    expect(html).toContain('data-block-id="b1"');
    expect(html).toContain('<div class="bk-text"><b>Advisories</b></div>');
    expect(html).toContain('<div class="bk-fields"><div class="bk-field"><b>Flow</b><br>Errata</div><div class="bk-field">ART-13172</div></div>');
    expect(html).toContain('<button type="button" class="bk-button" data-action-id="go" data-block-id="b1" data-value="v">Go</button>');
  });

  it('divider and header', () => {
    expect(renderBlock({ type: 'divider' })).toBe('<hr class="bk-block bk-divider">');
    expect(renderBlock({ type: 'header', text: { type: 'plain_text', text: 'OpenShift <releases>' } })).toBe(
      '<div class="bk-block bk-header">OpenShift &lt;releases&gt;</div>',
    );
  });

  it('context: mrkdwn, plain text and images', () => {
    const html = renderBlock({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: '<@U_LEAD> · `release-info`' },
        { type: 'plain_text', text: 'id 42' },
        { type: 'image', image_url: 'https://img.example/a.png', alt_text: 'logo' },
        { type: 'image', image_url: 'javascript:x', alt_text: 'bad' },
      ],
    }, ctx);
    expect(html).toContain('@Rita Lead');
    expect(html).toContain('<code class="bk-code">release-info</code>');
    expect(html).toContain('id 42');
    expect(html).toContain('<img class="bk-image-el" src="https://img.example/a.png" alt="logo">');
    expect(html).toContain('[bad]');
    expect(html).not.toContain('javascript:');
  });

  it('actions: buttons with styles, values, confirm dialogs and URL buttons; selects', () => {
    const html = renderBlock({
      type: 'actions',
      block_id: 'oar_next',
      elements: [
        { type: 'button', action_id: 'oar_run_0', style: 'primary', text: { type: 'plain_text', text: 'Status' }, value: '{"r":"4.19.1","c":"release-status"}' },
        { type: 'button', action_id: 'oar_run_1', style: 'danger', text: { type: 'plain_text', text: 'Approve' }, confirm: { title: { type: 'plain_text', text: 'Sure?' }, text: { type: 'mrkdwn', text: 'Really' } } },
        { type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'MR' }, url: 'https://gitlab.example/mr/1' },
        { type: 'static_select', action_id: 'pick', placeholder: { type: 'plain_text', text: 'Choose' }, options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }] },
        { type: 'overflow', action_id: 'more', options: [{ text: { type: 'plain_text', text: 'Delete' }, value: 'del' }] },
      ],
    });
    expect(html).toContain('class="bk-button bk-primary" data-action-id="oar_run_0" data-block-id="oar_next" data-value="{&quot;r&quot;:&quot;4.19.1&quot;,&quot;c&quot;:&quot;release-status&quot;}"');
    expect(html).toContain('class="bk-button bk-danger" data-action-id="oar_run_1" data-block-id="oar_next" data-confirm="Sure?\n\nReally"');
    expect(html).toContain('<a class="bk-button" data-action-id="open" data-block-id="oar_next" href="https://gitlab.example/mr/1" target="_blank" rel="noopener noreferrer">MR</a>');
    expect(html).toContain('<select class="bk-select" data-action-id="pick" data-block-id="oar_next" data-kind="static_select"><option value="" selected>Choose</option><option value="a">A</option></select>');
    expect(html).toContain('data-kind="overflow"><option value="" selected>⋯</option><option value="del">Delete</option>');
  });

  it('image block', () => {
    expect(renderBlock({ type: 'image', image_url: 'https://img.example/p.png', alt_text: 'graph', title: { type: 'plain_text', text: 'Runs' } })).toBe(
      '<figure class="bk-block bk-image"><img class="bk-image-el" src="https://img.example/p.png" alt="graph"><figcaption>Runs</figcaption></figure>',
    );
  });

  it('input blocks: text inputs (single and multi-line), selects, checkboxes, radios; hints and errors', () => {
    const text = renderBlock(
      { type: 'input', block_id: 'oar_confirm_release', label: { type: 'plain_text', text: 'Type 4.19.1 to confirm' }, element: { type: 'plain_text_input', action_id: 'value', placeholder: { type: 'plain_text', text: '4.19.1' } } },
      ctx,
      { errors: { oar_confirm_release: 'Type 4.19.1 exactly to confirm.' } },
    );
    expect(text).toContain('class="bk-block bk-input bk-has-error"');
    expect(text).toContain('<label class="bk-label">Type 4.19.1 to confirm</label>');
    expect(text).toContain('<input type="text" class="bk-text-input" data-action-id="value" data-block-id="oar_confirm_release" data-kind="plain_text_input" placeholder="4.19.1">');
    expect(text).toContain('<div class="bk-error">Type 4.19.1 exactly to confirm.</div>');
    const multi = renderElement({ type: 'plain_text_input', action_id: 'why', multiline: true, initial_value: '<x>' }, ctx, 'b');
    expect(multi).toBe('<textarea class="bk-text-input" data-action-id="why" data-block-id="b" data-kind="plain_text_input" rows="4">&lt;x&gt;</textarea>');
    const boxes = renderBlock({
      type: 'input', block_id: 'c', optional: true, hint: { type: 'plain_text', text: 'pick any' }, label: { type: 'plain_text', text: 'Arches' },
      element: { type: 'checkboxes', action_id: 'arch', initial_options: [{ value: 'x86_64', text: { type: 'plain_text', text: 'x86_64' } }], options: [{ value: 'x86_64', text: { type: 'plain_text', text: 'x86_64' } }, { value: 'arm64', text: { type: 'plain_text', text: 'arm64' } }] },
    });
    expect(boxes).toContain('(optional)');
    expect(boxes).toContain('<div class="bk-hint">pick any</div>');
    expect(boxes).toContain('data-kind="checkboxes"');
    expect(boxes).toContain('<input type="checkbox" name="c:arch" value="x86_64" checked> x86_64');
    expect(boxes).toContain('<input type="checkbox" name="c:arch" value="arm64"> arm64');
    const radio = renderElement({ type: 'radio_buttons', action_id: 'r', initial_option: { value: 'b' }, options: [{ value: 'a', text: { type: 'plain_text', text: 'A' } }, { value: 'b', text: { type: 'plain_text', text: 'B' } }] }, ctx, 'rb');
    expect(radio).toContain('<input type="radio" name="rb:r" value="b" checked> B');
  });

  it('rich_text (what users type): sections with styles, links, mentions, emoji, lists, quotes, preformatted', () => {
    const html = renderBlock({
      type: 'rich_text',
      elements: [
        { type: 'rich_text_section', elements: [{ type: 'text', text: '<@U_LEAD> oar -r 4.19.1 release-info' }] },
        { type: 'rich_text_section', elements: [{ type: 'text', text: 'bold', style: { bold: true } }, { type: 'link', url: 'https://a.example', text: 'a' }, { type: 'user', user_id: 'U_LEAD' }, { type: 'emoji', name: 'rocket' }] },
        { type: 'rich_text_list', style: 'ordered', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }] },
        { type: 'rich_text_quote', elements: [{ type: 'text', text: 'said' }] },
        { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'x < y' }] },
      ],
    }, ctx);
    expect(html).toContain('@Rita Lead</span> oar -r 4.19.1 release-info');
    expect(html).toContain('<b>bold</b>');
    expect(html).toContain('href="https://a.example"');
    expect(html).toContain(EMOJI.rocket);
    expect(html).toContain('<ol class="bk-rt-list"><li>one</li></ol>');
    expect(html).toContain('<blockquote class="bk-quote">said</blockquote>');
    expect(html).toContain('<pre class="bk-pre">x &lt; y</pre>');
  });

  it('markdown blocks and unknown block types', () => {
    expect(renderBlock({ type: 'markdown', text: '**Done** in `1s`' })).toBe('<div class="bk-block bk-markdown"><b>Done</b> in <code class="bk-code">1s</code></div>');
    expect(renderBlock({ type: 'video', block_id: 'v' })).toBe('<div class="bk-block bk-unsupported" data-block-id="v">Unsupported block: video</div>');
    expect(renderBlocks(null)).toBe('');
  });

  it('a message without blocks renders its text as mrkdwn', () => {
    expect(renderMessageBody({ text: 'oar-bot is *restarting*' })).toContain('oar-bot is <b>restarting</b>');
    expect(renderMessageBody({ text: 'x', blocks: [{ type: 'divider' }] })).toBe('<hr class="bk-block bk-divider">');
  });
});

describe('the product\'s own views render without unsupported parts', () => {
  it('a command result, the confirmation modal and the App Home', () => {
    const result = outcomeBlocks(
      { status: 'pass', summary: 'owner set', sections: [{ title: 'Advisories', lines: ['rpm: 1'], fields: [{ label: 'Flow', value: 'Errata' }] }], blockers: ['b'], links: [{ label: 'ART-1', url: 'https://j.example/ART-1' }], nextSteps: [{ label: 'Status', command: 'release-status' }] },
      { actorId: 'U_LEAD', command: 'take-ownership', release: '4.19.1', correlationId: 'c1' },
    );
    const modal = confirmModal({ pendingId: 'p', command: 'change-advisory-status', release: '4.19.1', expiresAt: new Date(Date.now() + 600_000) }, { summary: 'Move advisories', changes: [{ target: 'advisory 1', from: 'QE', to: 'REL_PREP' }] });
    const home = homeView([{ release: '4.19.10', flow: 'konflux', tasks: [{ name: 'take-ownership', status: 'Pass' }], blockers: ['x'], next: [{ label: 'Status', command: 'release-status' }] }], { updatedAt: new Date() });
    for (const blocks of [result, modal.blocks, home.blocks]) {
      const html = renderBlocks(blocks, ctx);
      expect(html).not.toContain('bk-unsupported');
      expect(html).not.toMatch(/:[a-z_]+:(?![^<]*")/); // every emoji the product uses is known
    }
    expect(renderBlocks(modal.blocks)).toContain('data-kind="plain_text_input"');
    expect(renderBlocks(result, ctx)).toContain('4.19.1 · Take Ownership · Pass</div>');
  });
});
