import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './accuracy';

describe('groupingAccuracy', () => {
  it('When the groups match under other names, Then every line is correct', () => {
    expect(groupingAccuracy([7, 7, 3, 9], ['E1', 'E1', 'E2', 'E3'])).toBe(1);
  });

  it('When a predicted group merges two true groups, Then the lines of both lose', () => {
    // E1 and E2 share id 1: four lines wrong; E3 alone under id 2 is right.
    expect(groupingAccuracy([1, 1, 1, 1, 2], ['E1', 'E1', 'E2', 'E2', 'E3'])).toBe(1 / 5);
  });

  it('When a true group is split over two ids, Then all its lines lose, even the larger part', () => {
    expect(groupingAccuracy([1, 1, 2, 3], ['E1', 'E1', 'E1', 'E2'])).toBe(1 / 4);
  });

  it('When every line gets its own id, Then only true singletons are correct', () => {
    expect(groupingAccuracy([1, 2, 3, 4], ['E1', 'E1', 'E2', 'E3'])).toBe(2 / 4);
  });

  it('When ids are strings and numbers, Then 1 and "1" are different groups', () => {
    expect(groupingAccuracy([1, '1'], ['E1', 'E1'])).toBe(0);
    expect(groupingAccuracy(['a', 'a'], ['E1', 'E1'])).toBe(1);
  });

  it('When there are no lines, Then accuracy is 1; when lengths differ, Then it refuses', () => {
    expect(groupingAccuracy([], [])).toBe(1);
    expect(() => groupingAccuracy([1], [])).toThrow(RangeError);
  });
});
