/**
 * The message-pattern miner: assigns every log message a template id, a batch at a
 * time, keeping the ids it has handed out.
 *
 * 1. Masking (`tokenize.ts`): numbers, addresses, ids, paths, host names, quoted values
 *    and dates become `<*>` before anything else, as in Drain (He et al., ICWS 2017)
 *    and Drain3. Identical masked messages are counted once, so the steps below cost
 *    per distinct shape, not per line.
 * 2. Grouping within a batch follows Brain (Yu et al., IEEE TSC 2023) instead of Drain's
 *    line-by-line similarity: messages of one token count are grouped on their *longest
 *    common pattern*, the largest set of positions whose (position, word) pairs are
 *    equally frequent in the batch; inside a group, a position with at least
 *    `variableMinDistinct` distinct words is a variable and one with fewer splits the
 *    group into events. Counting tells `closed`/`opened` (two events, each frequent)
 *    from user names (one event, many values), which a share of differing tokens cannot;
 *    Brain reports 0.98 grouping accuracy on loghub-2k (with settings per system)
 *    against Drain's 0.87. Brain needs the whole input, so it runs on each batch.
 * 3. Across batches the templates live in Drain's fixed-depth prefix tree (token count,
 *    then `depth - 2` leading tokens), used as an index. A batch group joins an existing
 *    template when they are compatible (each position equal, or a wildcard on one side:
 *    two different words mean two events, as the batch grouping decided) and equal on
 *    at least `similarity` of the positions (Drain's threshold); the template is widened
 *    with wildcards where they differ (Drain's merge). Brain's distinct-words rule also
 *    applies across batches, so a position whose words arrive a few per batch still
 *    becomes a variable. The lookup is exact, so `depth` and `maxChildren` change its
 *    cost, not its result, unless a lookup meets more than `MAX_CANDIDATES` templates
 *    (input with no shared structure at all).
 * 4. Ids never change. When a batch shows that existing templates are one event (a
 *    batch template covers them, or a widened template covers another), the younger
 *    are merged into the oldest: `mergedInto(id)` names the surviving id and `merges()`
 *    lists every merge, so rows already stored can be fixed with one
 *    `UPDATE … SET pattern_id = $into WHERE pattern_id = $from` per merge. `templates()`
 *    lists surviving templates only, with the counts of merged ones added, so counts
 *    always sum to the lines mined.
 *
 * The state (`state()`) is plain JSON: options, templates, next id and merges. The prefix
 * tree is derived from the templates (rebuilt in id order after every batch and on
 * resume), so storing it would only add a second copy that could disagree. Memory kept
 * between batches is proportional to the templates (plus a bounded cache of constant
 * words); a batch needs memory proportional to its lines and distinct shapes while it
 * is mined.
 */
import { AppError } from '../api/errors';
import { WILDCARD as WILDCARD_EXPORT, createTokenMasker, maskMessage } from './tokenize';

/* A local copy: where modules are loaded through CommonJS interop (tsx, the scripts),
   each use of an imported binding is a getter call, and the per-shape loops use it a lot. */
const WILDCARD = WILDCARD_EXPORT;

export interface MinerOptions {
  /** Depth of Drain's prefix tree: root, token count, then `depth - 2` leading tokens. Drain's default is 4. */
  depth?: number;
  /** Share of positions on which a batch template must equal an existing one to join it (Drain's `st`). */
  similarity?: number;
  /** Children per tree node; further leading tokens share the wildcard branch (Drain3's `max_children`). */
  maxChildren?: number;
  /**
   * Distinct words at one position, within one group of a batch, that make the position
   * a variable (Brain's threshold); fewer distinct words split the group into events.
   * The default, 4, is the median of the values Brain's authors tuned per system for
   * the 16 loghub-2k logs (2 to 6), not a value fitted to our samples.
   */
  variableMinDistinct?: number;
}

export interface Template {
  id: number;
  /** Masked tokens; `<*>` marks a variable. */
  tokens: string[];
  /** The tokens joined by single spaces. */
  text: string;
  /** Lines assigned to this template, including lines of templates merged into it. */
  count: number;
}

export interface TemplateMerge {
  from: number;
  into: number;
}

export interface MinerState {
  version: 1;
  options: Required<MinerOptions>;
  nextId: number;
  templates: { id: number; tokens: string[]; count: number }[];
  merges: TemplateMerge[];
}

export interface Miner {
  /**
   * Assigns each message a template id (ids start at 1). Ids handed out earlier keep
   * their meaning; an id may later be reported by `merges()` as merged into an older one.
   */
  addBatch(messages: readonly string[]): Int32Array;
  /** Surviving templates, by id. */
  templates(): Template[];
  /** The surviving id an id was merged into (itself if it was never merged). */
  mergedInto(id: number): number;
  /** Every merge so far, each `into` already resolved to a surviving id. */
  merges(): TemplateMerge[];
  state(): MinerState;
}

export const defaultMinerOptions: Readonly<Required<MinerOptions>> = {
  depth: 4,
  similarity: 0.5,
  maxChildren: 100,
  variableMinDistinct: 4,
};

interface StoredTemplate {
  id: number;
  tokens: string[];
  count: number;
}

/** See `candidateIds`. */
const MAX_CANDIDATES = 256;

interface TreeNode {
  children: Map<string, TreeNode>;
  templateIds: number[];
}

export function createMiner(options: MinerOptions = {}, state?: MinerState): Miner {
  if (state !== undefined) assertMinerState(state);
  const resolved: Required<MinerOptions> = { ...defaultMinerOptions, ...state?.options, ...definedOnly(options) };
  assertOptions(resolved);
  const leadingTokenCount = resolved.depth - 2;

  const templatesById = new Map<number, StoredTemplate>();
  const mergeTargets = new Map<number, number>();
  let nextId = state?.nextId ?? 1;
  for (const template of state?.templates ?? []) {
    addTemplate({ id: template.id, tokens: [...template.tokens], count: template.count });
  }
  for (const merge of state?.merges ?? []) mergeTargets.set(merge.from, merge.into);
  let tree = buildTree();

  const maskToken = createTokenMasker();

  function buildTree(): Map<number, TreeNode> {
    const byLength = new Map<number, TreeNode>();
    const ids = [...templatesById.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const template = templatesById.get(id)!;
      let node = byLength.get(template.tokens.length);
      if (node === undefined) {
        node = { children: new Map(), templateIds: [] };
        byLength.set(template.tokens.length, node);
      }
      const depth = Math.min(leadingTokenCount, template.tokens.length);
      for (let index = 0; index < depth; index++) {
        const token = template.tokens[index]!;
        let key = token.includes(WILDCARD) ? WILDCARD : token;
        if (!node.children.has(key) && key !== WILDCARD && node.children.size >= resolved.maxChildren - 1) key = WILDCARD;
        let child = node.children.get(key);
        if (child === undefined) {
          child = { children: new Map(), templateIds: [] };
          node.children.set(key, child);
        }
        node = child;
      }
      node.templateIds.push(id);
    }
    return byLength;
  }

  /**
   * Ids of earlier templates that `tokens` could continue, from the prefix tree: at each
   * leading position, the branch of the same word and the wildcard branch (every branch
   * where `tokens` has a wildcard). With `siblingsExcept` (a position), one leading
   * position other than that one may also hold a different word, which is how siblings
   * are found. At most
   * `MAX_CANDIDATES` ids are returned: only input without shared structure (every line
   * unlike the others) fills a leaf that far, and scanning it all would be quadratic.
   */
  function candidateIds(tokens: readonly string[], siblingsExcept?: number): number[] {
    const found: number[] = [];
    const root = tree.get(tokens.length);
    if (root === undefined) return found;
    const depth = Math.min(leadingTokenCount, tokens.length);
    const visit = (node: TreeNode, index: number, isMismatchUsed: boolean): void => {
      if (found.length >= MAX_CANDIDATES) return;
      if (index === depth) {
        for (const id of node.templateIds) {
          if (found.length >= MAX_CANDIDATES) break;
          found.push(id);
        }
        return;
      }
      const token = tokens[index]!;
      if (token === WILDCARD) {
        for (const child of node.children.values()) visit(child, index + 1, isMismatchUsed);
        return;
      }
      const key = token.includes(WILDCARD) ? WILDCARD : token;
      const exact = node.children.get(key);
      if (exact !== undefined) visit(exact, index + 1, isMismatchUsed);
      const wildcard = key === WILDCARD ? undefined : node.children.get(WILDCARD);
      if (wildcard !== undefined) visit(wildcard, index + 1, isMismatchUsed);
      if (siblingsExcept !== undefined && !isMismatchUsed && index !== siblingsExcept) {
        for (const [childKey, child] of node.children) {
          if (childKey !== key && childKey !== WILDCARD) visit(child, index + 1, true);
        }
      }
    };
    visit(root, 0, false);
    return found;
  }

  function addBatch(messages: readonly string[]): Int32Array {
    const shapeOfLine = new Int32Array(messages.length);
    const shapeIndex = new Map<string, number>();
    const shapes: string[][] = [];
    const shapeWeights: number[] = [];
    for (let line = 0; line < messages.length; line++) {
      // A missing message (a SQL NULL passed through) is mined as an empty one.
      const tokens = maskMessage(messages[line] ?? '', maskToken);
      // Tokens are whitespace-free, so a space-joined key is unambiguous.
      const key = tokens.join(' ');
      let shape = shapeIndex.get(key);
      if (shape === undefined) {
        shape = shapes.length;
        shapeIndex.set(key, shape);
        shapes.push(tokens);
        shapeWeights.push(0);
      }
      shapeWeights[shape]!++;
      shapeOfLine[line] = shape;
    }
    const groups = groupShapes(shapes, shapeWeights, resolved.variableMinDistinct);
    const idOfGroup = assignIds(groups.templates, groups.weights);
    tree = buildTree();
    const ids = new Int32Array(messages.length);
    for (let line = 0; line < messages.length; line++) ids[line] = idOfGroup[groups.groupOfShape[shapeOfLine[line]!]!]!;
    return ids;
  }

  /**
   * Gives each batch group an existing id (widening that template) or a new one.
   * Only templates from earlier batches are candidates for joining: within the batch,
   * the grouping has already decided which groups are different events.
   */
  function assignIds(groupTemplates: readonly string[][], groupWeights: readonly number[]): number[] {
    const ids: number[] = [];
    // The tree holds the templates from before this batch; those widened during it sit
    // under their old leading words, so they are looked at directly.
    const widened = new Set<number>();
    for (let group = 0; group < groupTemplates.length; group++) {
      const tokens = groupTemplates[group]!;
      const weight = groupWeights[group]!;
      const joined = new Set<number>();
      let best: { id: number; score: number } | undefined;
      for (const candidate of [...candidateIds(tokens), ...widened]) {
        const id = resolve(candidate);
        const template = templatesById.get(id);
        if (template === undefined || joined.has(id)) continue;
        const score = sameEventScore(template.tokens, tokens, resolved.similarity);
        if (score < 0) continue;
        if (best === undefined || score > best.score || (score === best.score && id < best.id)) best = { id, score };
        // Existing templates that are instances of this one are the same event: merge them.
        if (isInstanceOf(template.tokens, tokens)) joined.add(id);
      }
      if (best !== undefined) joined.add(best.id);
      if (joined.size === 0) {
        for (const id of siblingsMakingVariable(tokens, widened)) joined.add(id);
      }
      if (joined.size === 0) {
        const id = nextId++;
        addTemplate({ id, tokens: [...tokens], count: weight });
        ids.push(id);
        continue;
      }
      // The oldest survives, so a merge never renumbers an id handed out earlier.
      let survivor = templatesById.get(Math.min(...joined))!;
      const before = survivor.tokens;
      survivor.tokens = widen(survivor.tokens, tokens);
      survivor.count += weight;
      for (const id of joined) {
        if (id !== survivor.id) mergeTemplate(id, survivor);
      }
      if (!sameTokens(before, survivor.tokens)) {
        survivor = absorbInstances(survivor, widened);
        widened.add(survivor.id);
      }
      ids.push(survivor.id);
    }
    return ids;
  }

  /**
   * Keeps one template per event after a template was widened: any other template from
   * before this batch whose lines all fit the widened one is the same event and is
   * merged, into the older id.
   */
  function absorbInstances(widenedTemplate: StoredTemplate, widened: ReadonlySet<number>): StoredTemplate {
    let survivor = widenedTemplate;
    const candidates = [...new Set([...candidateIds(survivor.tokens), ...widened])].sort((a, b) => a - b);
    for (const id of candidates) {
      const template = templatesById.get(id);
      if (template === undefined || id === survivor.id || !isInstanceOf(template.tokens, survivor.tokens)) continue;
      if (id < survivor.id) {
        mergeTemplate(survivor.id, template);
        survivor = template;
      } else {
        mergeTemplate(id, survivor);
      }
    }
    return survivor;
  }

  /**
   * Brain's variable rule across batches: templates from before this batch that differ
   * from `tokens` in exactly one position, where both hold words, are siblings; when the
   * siblings and `tokens` together show `variableMinDistinct` distinct words there, the
   * position is a variable and they are all one event. Without this, a column whose
   * values arrive a few per batch would never become a variable. Templates made in this
   * batch are left out: the batch grouping has already judged them. A difference in the
   * leading word never counts: within a batch that word is the group's root when it ties
   * (see `rootKey`), so `tickTime set to <*>` and `maxSessionTimeout set to <*>` stay
   * apart there, and must stay apart when they arrive in different batches too.
   */
  function siblingsMakingVariable(tokens: readonly string[], widened: ReadonlySet<number>): number[] {
    const byPosition = new Map<number, { ids: number[]; words: Set<string> }>();
    const leadingWord = tokens.findIndex((token) => token !== WILDCARD);
    for (const id of new Set([...candidateIds(tokens, leadingWord), ...widened])) {
      const template = templatesById.get(id);
      if (template === undefined) continue;
      const position = soleDifference(template.tokens, tokens, resolved.similarity);
      if (position < 0 || position === leadingWord) continue;
      let siblings = byPosition.get(position);
      if (siblings === undefined) byPosition.set(position, (siblings = { ids: [], words: new Set([tokens[position]!]) }));
      siblings.ids.push(id);
      siblings.words.add(template.tokens[position]!);
    }
    for (const siblings of byPosition.values()) {
      if (siblings.words.size >= resolved.variableMinDistinct) return siblings.ids;
    }
    return [];
  }

  function addTemplate(template: StoredTemplate): void {
    templatesById.set(template.id, template);
  }

  function mergeTemplate(id: number, survivor: StoredTemplate): void {
    const merged = templatesById.get(id)!;
    survivor.tokens = widen(survivor.tokens, merged.tokens);
    survivor.count += merged.count;
    templatesById.delete(id);
    mergeTargets.set(id, survivor.id);
  }

  function resolve(id: number): number {
    let current = id;
    for (let next = mergeTargets.get(current); next !== undefined; next = mergeTargets.get(current)) current = next;
    return current;
  }

  function templates(): Template[] {
    return [...templatesById.values()]
      .sort((a, b) => a.id - b.id)
      .map((template) => ({ id: template.id, tokens: [...template.tokens], text: template.tokens.join(' '), count: template.count }));
  }

  function merges(): TemplateMerge[] {
    return [...mergeTargets.keys()].sort((a, b) => a - b).map((from) => ({ from, into: resolve(from) }));
  }

  return {
    addBatch,
    templates,
    mergedInto: resolve,
    merges,
    state: () => ({
      version: 1,
      options: { ...resolved },
      nextId,
      templates: templates().map(({ id, tokens, count }) => ({ id, tokens, count })),
      merges: merges(),
    }),
  };
}

/**
 * How well a batch template continues an existing one, or -1 if it does not: every
 * position must be equal or a wildcard on one side (a position with two different
 * words is two events: the batch grouping decided so), and at least `similarity` of
 * the positions equal (Drain's threshold), one of them a word, so that wildcards alone
 * never join two templates. The score is the share of equal positions.
 */
function sameEventScore(existing: readonly string[], incoming: readonly string[], similarity: number): number {
  if (existing.length !== incoming.length) return -1;
  if (existing.length === 0) return 1;
  let equal = 0;
  let equalWords = 0;
  for (let index = 0; index < existing.length; index++) {
    const a = existing[index]!;
    const b = incoming[index]!;
    if (a === b) {
      equal++;
      if (a !== WILDCARD) equalWords++;
    } else if (a !== WILDCARD && b !== WILDCARD) {
      return -1;
    }
  }
  const score = equal / existing.length;
  if (score === 1) return score;
  return equalWords > 0 && score >= similarity ? score : -1;
}

/** Whether every line of `instance` also fits `general`. */
function isInstanceOf(instance: readonly string[], general: readonly string[]): boolean {
  if (instance.length !== general.length) return false;
  for (let index = 0; index < general.length; index++) {
    if (general[index] !== WILDCARD && general[index] !== instance[index]) return false;
  }
  return true;
}

/**
 * The one position where `a` and `b` hold different words, if they are otherwise
 * compatible and similar (as in `sameEventScore`); -1 otherwise.
 */
function soleDifference(a: readonly string[], b: readonly string[], similarity: number): number {
  if (a.length !== b.length) return -1;
  let position = -1;
  let equal = 0;
  let equalWords = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    if (x === y) {
      equal++;
      if (x !== WILDCARD) equalWords++;
    } else if (x !== WILDCARD && y !== WILDCARD) {
      if (position >= 0) return -1;
      position = index;
    }
  }
  return position >= 0 && equalWords > 0 && equal >= similarity * a.length ? position : -1;
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}

function widen(a: readonly string[], b: readonly string[]): string[] {
  return a.map((token, index) => (token === b[index] ? token : WILDCARD));
}

interface BatchGroups {
  /** Template tokens of each group. */
  templates: string[][];
  /** Lines in each group. */
  weights: number[];
  /** Group of each shape. */
  groupOfShape: Int32Array;
}

/**
 * Brain's grouping over the distinct masked shapes of one batch, weighted by how many
 * lines have each shape.
 */
function groupShapes(shapes: readonly string[][], weights: readonly number[], variableMinDistinct: number): BatchGroups {
  const groupOfShape = new Int32Array(shapes.length);
  const groupIndex = new Map<string, number>();
  const templates: string[][] = [];
  const groupWeights: number[] = [];
  const byLength = new Map<number, number[]>();
  for (let shape = 0; shape < shapes.length; shape++) {
    const length = shapes[shape]!.length;
    let members = byLength.get(length);
    if (members === undefined) byLength.set(length, (members = []));
    members.push(shape);
  }
  for (const [length, members] of byLength) {
    const frequency = positionFrequencies(shapes, weights, members, length);
    // Initial groups: shapes sharing their longest common pattern.
    const initialGroups = new Map<string, number[]>();
    for (const shape of members) {
      const key = rootKey(shapes[shape]!, frequency);
      let group = initialGroups.get(key);
      if (group === undefined) initialGroups.set(key, (group = []));
      group.push(shape);
    }
    for (const group of initialGroups.values()) {
      const isVariable = variablePositions(shapes, group, length, variableMinDistinct);
      for (const shape of group) {
        const tokens = shapes[shape]!.map((token, index) => (isVariable[index] ? WILDCARD : token));
        const key = tokens.join(' ');
        let index = groupIndex.get(key);
        if (index === undefined) {
          index = templates.length;
          groupIndex.set(key, index);
          templates.push(tokens);
          groupWeights.push(0);
        }
        groupWeights[index]! += weights[shape]!;
        groupOfShape[shape] = index;
      }
    }
  }
  return { templates, weights: groupWeights, groupOfShape };
}

function positionFrequencies(shapes: readonly string[][], weights: readonly number[], members: readonly number[], length: number): Map<string, number>[] {
  const frequency = Array.from({ length }, () => new Map<string, number>());
  for (const shape of members) {
    const tokens = shapes[shape]!;
    const weight = weights[shape]!;
    for (let index = 0; index < length; index++) {
      const counts = frequency[index]!;
      const token = tokens[index]!;
      counts.set(token, (counts.get(token) ?? 0) + weight);
    }
  }
  return frequency;
}

/**
 * The longest common pattern of a shape: of its non-wildcard positions, those whose
 * (position, word) frequency is the value most positions share. On a tie the value
 * met first from the left wins, as in the reference implementation of Brain (Python's
 * `Counter.most_common` keeps first-seen order): leading words are the most likely to
 * be constant, the assumption Drain's prefix tree rests on too. Wildcards carry no
 * evidence of which event a line is, so they take no part.
 */
function rootKey(tokens: readonly string[], frequency: readonly Map<string, number>[]): string {
  const positionsByFrequency = new Map<number, number>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === WILDCARD) continue;
    const count = frequency[index]!.get(token)!;
    positionsByFrequency.set(count, (positionsByFrequency.get(count) ?? 0) + 1);
  }
  // Map iteration follows insertion, i.e. first position from the left.
  let rootFrequency = -1;
  let rootSize = 0;
  for (const [count, size] of positionsByFrequency) {
    if (size > rootSize) {
      rootFrequency = count;
      rootSize = size;
    }
  }
  const parts: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token !== WILDCARD && frequency[index]!.get(token) === rootFrequency) parts.push(`${index}\u0000${token}`);
  }
  return parts.join('\u0000');
}

/**
 * Brain's downward step: inside one group, a position with at least
 * `variableMinDistinct` distinct words is a variable; a position that already holds a
 * wildcard on some lines is one too. Other positions keep their words and so split
 * the group.
 */
function variablePositions(shapes: readonly string[][], group: readonly number[], length: number, variableMinDistinct: number): boolean[] {
  const isVariable: boolean[] = [];
  for (let index = 0; index < length; index++) {
    const distinct = new Set<string>();
    for (const shape of group) {
      distinct.add(shapes[shape]![index]!);
      if (distinct.size >= variableMinDistinct) break;
    }
    isVariable.push(distinct.size >= variableMinDistinct || (distinct.size > 1 && distinct.has(WILDCARD)));
  }
  return isVariable;
}

function definedOnly(options: MinerOptions): MinerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function assertOptions(options: Required<MinerOptions>): void {
  const isValid =
    Number.isInteger(options.depth) && options.depth >= 3 &&
    options.similarity >= 0 && options.similarity <= 1 &&
    Number.isInteger(options.maxChildren) && options.maxChildren >= 2 &&
    Number.isInteger(options.variableMinDistinct) && options.variableMinDistinct >= 2;
  if (!isValid) throw new AppError('invalid_input', { reason: 'miner_options', options: JSON.stringify(options) });
}

function assertMinerState(state: MinerState): void {
  const isValid =
    state !== null && typeof state === 'object' && state.version === 1 &&
    Number.isInteger(state.nextId) && Array.isArray(state.templates) && Array.isArray(state.merges) &&
    state.templates.every((t) => Number.isInteger(t.id) && t.id > 0 && t.id < state.nextId && Array.isArray(t.tokens) && t.tokens.every((token) => typeof token === 'string') && Number.isInteger(t.count) && t.count >= 0) &&
    new Set(state.templates.map((t) => t.id)).size === state.templates.length &&
    state.merges.every((m) => Number.isInteger(m.from) && Number.isInteger(m.into));
  if (!isValid) throw new AppError('invalid_input', { reason: 'miner_state' });
}
