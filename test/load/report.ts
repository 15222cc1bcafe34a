/** Figures of the load script, each printed next to its target. */

/** One measured figure; `met` is undefined when the figure has no pass/fail target. */
export interface Figure {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
}

export function figure(name: string, value: string, target?: string, met?: boolean): Figure {
  return { name, value, ...(target !== undefined && { target }), ...(met !== undefined && { met }) };
}

/** `name: value [target: ..., met|NOT met]` lines. */
export function render(figures: readonly Figure[]): string {
  return figures
    .map((f) => {
      const verdict = f.met === undefined ? '' : f.met ? ' -> met' : ' -> NOT met';
      const target = f.target === undefined ? '' : `   [target ${f.target}${verdict}]`;
      return `  ${f.name}: ${f.value}${target}`;
    })
    .join('\n');
}
