/** The part of `document` that tells whether the page is only being prerendered. */
export type PrerenderAware = Pick<EventTarget, "addEventListener"> & { prerendering?: boolean };

/**
 * Resolves once the page is shown to a person: at once, unless the browser is prerendering it
 * (speculation rules, omnibox prediction), then on `prerenderingchange`, when the person actually
 * navigates to it. Work with side effects (taking a seat) waits for this.
 */
export function whenShown(doc: PrerenderAware): Promise<void> {
  if (!doc.prerendering) return Promise.resolve();
  return new Promise((resolve) => doc.addEventListener("prerenderingchange", () => resolve(), { once: true }));
}
