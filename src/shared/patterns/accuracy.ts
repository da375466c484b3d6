/**
 * Grouping accuracy (GA), as defined by Zhu et al., "Tools and Benchmarks for Automated
 * Log Parsing" (ICSE-SEIP 2019): the share of lines whose predicted group is exactly
 * their true group, i.e. the lines sharing the line's predicted id are the same set as
 * the lines sharing its true id. A predicted group that merges two true groups, or a
 * true group split over two predicted ids, scores zero for all of its lines.
 */
export function groupingAccuracy(predicted: readonly (string | number)[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) {
    throw new RangeError(`groupingAccuracy: ${predicted.length} predictions for ${truth.length} lines`);
  }
  if (truth.length === 0) return 1;
  // A predicted group is correct when all its lines share one true id and that true id
  // has no lines elsewhere: its size equals the size of the true group it sits in.
  const truthSize = new Map<string, number>();
  for (const id of truth) truthSize.set(id, (truthSize.get(id) ?? 0) + 1);
  const predictedGroups = new Map<string | number, { truthId: string; size: number; isPure: boolean }>();
  for (let line = 0; line < predicted.length; line++) {
    const id = predicted[line]!;
    const truthId = truth[line]!;
    const group = predictedGroups.get(id);
    if (group === undefined) {
      predictedGroups.set(id, { truthId, size: 1, isPure: true });
    } else {
      group.size++;
      if (group.truthId !== truthId) group.isPure = false;
    }
  }
  let correctLines = 0;
  for (const group of predictedGroups.values()) {
    if (group.isPure && truthSize.get(group.truthId) === group.size) correctLines += group.size;
  }
  return correctLines / truth.length;
}
