// Module resolution hook for sluice's own repository: `sluice` and `sluice/*` resolve with the
// `sluice-source` export condition (the TypeScript sources), as `node --conditions=sluice-source` would.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'sluice' || specifier.startsWith('sluice/')) {
    return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'sluice-source'] });
  }
  return nextResolve(specifier, context);
}
