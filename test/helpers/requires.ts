/**
 * Tests that need something outside the checkout (Nix, ../shared/data, the built dist/)
 * skip on a developer's machine that lacks it, and FAIL under CI=true, where CI installs
 * or builds everything: a suite that silently skips there would look green untested.
 */
export function describeWhen(available: boolean, need: string, name: string, fn: () => void): void {
  if (available) describe(name, fn);
  else if (process.env.CI) describe(name, () => it(`needs ${need}`, () => expect(`${need}: missing`).toBe(`${need}: present`)));
  else describe.skip(name, fn);
}
