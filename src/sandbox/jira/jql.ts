/**
 * The JQL subset the simulated Jira understands: enough for every query oar-bot builds.
 *
 *   query   := expr? (ORDER BY field (ASC|DESC)? (, field (ASC|DESC)?)*)?
 *   expr    := and (OR and)*
 *   and     := unary (AND unary)*
 *   unary   := NOT unary | '(' expr ')' | clause
 *   clause  := field op value
 *            | field CHANGED (FROM value)? (TO value)? ((AFTER|BEFORE|ON) value)*
 *   op      := = | != | ~ | !~ | > | >= | < | <= | IN | NOT IN | IS | IS NOT
 *   value   := "string" | 'string' | word | (value, ...) | EMPTY | NULL
 *
 * Fields: project, key, status, issuetype, priority, labels, fixVersion, component, summary,
 * description, assignee, reporter, created, updated, 'Target Version', 'QA Contact'.
 * Dates: `2025-07-01`, `2025/07/01 10:00`, relative `-1d`, `-4h`, `-2w`, `-30m`.
 */

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

// --- tokens ---------------------------------------------------------------------------------------

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' };

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < input.length && input[i] !== c) {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        value += input[i];
        i++;
      }
      if (i >= input.length) throw new JqlError(`Error in the JQL Query: unterminated string starting with ${c}`);
      i++;
      tokens.push({ kind: 'string', value });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '!~' || two === '>=' || two === '<=') {
      tokens.push({ kind: 'op', value: two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '~' || c === '>' || c === '<') {
      tokens.push({ kind: 'op', value: c });
      i++;
      continue;
    }
    const m = /^[^\s(),=!~<>"']+/.exec(input.slice(i));
    if (!m) throw new JqlError(`Error in the JQL Query: the character '${c}' is a reserved JQL character`);
    tokens.push({ kind: 'word', value: m[0] });
    i += m[0].length;
  }
  return tokens;
}

// --- AST ------------------------------------------------------------------------------------------

export type Value = { kind: 'text'; text: string } | { kind: 'empty' } | { kind: 'list'; items: string[] };

export type Node =
  | { type: 'and'; items: Node[] }
  | { type: 'or'; items: Node[] }
  | { type: 'not'; item: Node }
  | { type: 'cmp'; field: string; op: string; value: Value }
  | { type: 'changed'; field: string; from?: string; to?: string; after?: string; before?: string; on?: string };

export interface OrderBy {
  field: string;
  desc: boolean;
}

export interface ParsedJql {
  where: Node | null;
  orderBy: OrderBy[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by', 'asc', 'desc', 'changed', 'to', 'from', 'after', 'before', 'on']);

export function parseJql(input: string): ParsedJql {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.value.toLowerCase() === word;
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new JqlError('Error in the JQL Query: the query ended unexpectedly');
    return t;
  };
  const expectPunct = (p: '(' | ')' | ',') => {
    const t = next();
    if (t.kind !== 'punct' || t.value !== p) throw new JqlError(`Error in the JQL Query: expected '${p}' but got '${t.value}'`);
  };

  const field = (): string => {
    const t = next();
    if (t.kind === 'string') return t.value.toLowerCase();
    if (t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase())) return t.value.toLowerCase();
    throw new JqlError(`Error in the JQL Query: expected a field name but got '${t.value}'`);
  };

  const scalar = (): string => {
    const t = next();
    if (t.kind === 'string' || t.kind === 'word') return t.value;
    throw new JqlError(`Error in the JQL Query: expected a value but got '${t.value}'`);
  };

  const value = (): Value => {
    const t = peek();
    if (t?.kind === 'punct' && t.value === '(') {
      next();
      const items = [scalar()];
      while (peek()?.kind === 'punct' && peek()?.value === ',') {
        next();
        items.push(scalar());
      }
      expectPunct(')');
      return { kind: 'list', items };
    }
    if (t?.kind === 'word' && (t.value.toLowerCase() === 'empty' || t.value.toLowerCase() === 'null')) {
      next();
      return { kind: 'empty' };
    }
    return { kind: 'text', text: scalar() };
  };

  const clause = (): Node => {
    const f = field();
    if (isWord(peek(), 'changed')) {
      next();
      const node: Extract<Node, { type: 'changed' }> = { type: 'changed', field: f };
      for (;;) {
        const t = peek();
        const word = t?.kind === 'word' ? t.value.toLowerCase() : '';
        if (word !== 'from' && word !== 'to' && word !== 'after' && word !== 'before' && word !== 'on') break;
        next();
        node[word] = scalar();
      }
      return node;
    }
    const t = next();
    let op: string;
    if (t.kind === 'op') op = t.value;
    else if (isWord(t, 'in')) op = 'in';
    else if (isWord(t, 'not')) {
      if (!isWord(next(), 'in')) throw new JqlError(`Error in the JQL Query: expected 'in' after 'not' for field ${f}`);
      op = 'not in';
    } else if (isWord(t, 'is')) {
      op = 'is';
      if (isWord(peek(), 'not')) {
        next();
        op = 'is not';
      }
    } else throw new JqlError(`Error in the JQL Query: expected an operator after '${f}' but got '${t.value}'`);
    const v = value();
    if ((op === 'in' || op === 'not in') && v.kind !== 'list') throw new JqlError(`Error in the JQL Query: '${op}' needs a list in parentheses`);
    if ((op === 'is' || op === 'is not') && v.kind !== 'empty') throw new JqlError(`Error in the JQL Query: '${op}' only accepts EMPTY or NULL`);
    return { type: 'cmp', field: f, op, value: v };
  };

  const unary = (): Node => {
    const t = peek();
    if (isWord(t, 'not')) {
      next();
      return { type: 'not', item: unary() };
    }
    if (t?.kind === 'punct' && t.value === '(') {
      next();
      const inner = expr();
      expectPunct(')');
      return inner;
    }
    return clause();
  };

  const and = (): Node => {
    const items = [unary()];
    while (isWord(peek(), 'and')) {
      next();
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  };

  const expr = (): Node => {
    const items = [and()];
    while (isWord(peek(), 'or')) {
      next();
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  };

  let where: Node | null = null;
  if (pos < tokens.length && !isWord(peek(), 'order')) where = expr();
  const orderBy: OrderBy[] = [];
  if (isWord(peek(), 'order')) {
    next();
    if (!isWord(next(), 'by')) throw new JqlError("Error in the JQL Query: expected 'by' after 'order'");
    for (;;) {
      const f = field();
      let desc = false;
      if (isWord(peek(), 'asc')) next();
      else if (isWord(peek(), 'desc')) {
        next();
        desc = true;
      }
      orderBy.push({ field: f, desc });
      if (peek()?.kind === 'punct' && peek()?.value === ',') next();
      else break;
    }
  }
  if (pos < tokens.length) throw new JqlError(`Error in the JQL Query: unexpected '${tokens[pos]!.value}'`);
  return { where, orderBy };
}

// --- evaluation -------------------------------------------------------------------------------------

/** What the evaluator needs to know about an issue. */
export interface JqlSubject {
  key: string;
  /** field (lower case) -> its values as strings; missing or [] means EMPTY. */
  values(field: string): string[] | undefined;
  /** Status (or other field) changes, oldest first. */
  changes(field: string): { at: number; from: string | null; to: string | null }[];
}

/** Fields a date comparison applies to. */
const DATE_FIELDS = new Set(['created', 'updated', 'resolved', 'duedate']);
const TEXT_FIELDS = new Set(['summary', 'description', 'text', 'comment']);

export function parseJqlDate(text: string, now: number): number {
  const rel = /^([+-]?)(\d+)([mhdw])$/i.exec(text.trim());
  if (rel) {
    const n = Number(rel[2]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[3]!.toLowerCase() as 'm' | 'h' | 'd' | 'w'];
    return rel[1] === '-' ? now - n : now + n;
  }
  const abs = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (abs) {
    return Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0));
  }
  throw new JqlError(`Date value '${text}' for field is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Lower-case words; dots stay inside words so versions like 4.19.1 are one word. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter(Boolean);
}

export function evaluate(node: Node, subject: JqlSubject, now: number): boolean {
  switch (node.type) {
    case 'and':
      return node.items.every((n) => evaluate(n, subject, now));
    case 'or':
      return node.items.some((n) => evaluate(n, subject, now));
    case 'not':
      return !evaluate(node.item, subject, now);
    case 'changed': {
      const day = 86_400_000;
      return subject.changes(node.field).some((c) => {
        if (node.to !== undefined && !(c.to !== null && eq(c.to, node.to))) return false;
        if (node.from !== undefined && !(c.from !== null && eq(c.from, node.from))) return false;
        if (node.after !== undefined && !(c.at > parseJqlDate(node.after, now))) return false;
        if (node.before !== undefined && !(c.at < parseJqlDate(node.before, now))) return false;
        if (node.on !== undefined) {
          const start = parseJqlDate(node.on, now);
          if (!(c.at >= start && c.at < start + day)) return false;
        }
        return true;
      });
    }
    case 'cmp':
      return compare(node, subject, now);
  }
}

function compare(node: Extract<Node, { type: 'cmp' }>, subject: JqlSubject, now: number): boolean {
  const values = subject.values(node.field);
  if (values === undefined) throw new JqlError(`Field '${node.field}' does not exist or you do not have permission to view it.`);
  const { op, value } = node;
  if (op === 'is') return values.length === 0;
  if (op === 'is not') return values.length > 0;
  if (value.kind === 'empty') {
    if (op === '=') return values.length === 0;
    if (op === '!=') return values.length > 0;
    throw new JqlError(`The operator '${op}' does not support EMPTY`);
  }
  if (DATE_FIELDS.has(node.field)) {
    if (value.kind !== 'text') throw new JqlError(`The operator '${op}' needs a single date for field ${node.field}`);
    const at = parseJqlDate(value.text, now);
    const times = values.map((v) => Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    const test = (t: number) =>
      op === '>' ? t > at : op === '>=' ? t >= at : op === '<' ? t < at : op === '<=' ? t <= at : op === '=' ? t === at : op === '!=' ? t !== at : false;
    return times.some(test);
  }
  if (op === '~' || op === '!~') {
    if (value.kind !== 'text') throw new JqlError(`The operator '${op}' needs a single value`);
    if (!TEXT_FIELDS.has(node.field)) throw new JqlError(`The operator '${op}' is not supported by the '${node.field}' field.`);
    // Jira text search matches words, not substrings: every word of the query must occur.
    const needle = words(value.text.replace(/[*?]/g, ''));
    const hit = values.some((v) => {
      const have = new Set(words(v));
      return needle.every((w) => have.has(w));
    });
    return op === '~' ? hit : !hit;
  }
  const wanted = value.kind === 'list' ? value.items : [value.text];
  const hit = values.some((v) => wanted.some((w) => eq(v, w)));
  switch (op) {
    case '=':
    case 'in':
      return hit;
    case '!=':
    case 'not in':
      // Jira: negative operators do not match issues where the field is empty.
      return values.length > 0 && !hit;
    default:
      throw new JqlError(`The operator '${op}' is not supported by the '${node.field}' field.`);
  }
}

/** Every key named by `key = X` / `key in (...)` clauses, for Jira's "does not exist" check. */
export function referencedKeys(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'and':
    case 'or':
      return node.items.flatMap(referencedKeys);
    case 'not':
      return referencedKeys(node.item);
    case 'changed':
      return [];
    case 'cmp':
      if (node.field !== 'key' && node.field !== 'issuekey' && node.field !== 'id') return [];
      if (node.value.kind === 'list') return node.value.items;
      return node.value.kind === 'text' ? [node.value.text] : [];
  }
}
