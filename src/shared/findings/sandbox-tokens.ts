// unknown-sandbox-token, engine-specific-sandbox-token, conflicting-top-navigation: what the sandbox
// attribute and CSP sandbox directives say that browsers ignore or read differently than written.
import { ENGINE_SANDBOX_FLAGS, ENGINE_SPECIFIC_KEYWORDS, type ParsedSandbox } from '../sandboxing.ts';
import { finding, type Finding } from './catalog.ts';
import { describeElement } from './describe.ts';
import type { Rule } from './rules.ts';

function tokenFindings(frameId: number, parsed: ParsedSandbox, where: string, engine: string): Finding[] {
  const out: Finding[] = [];
  for (const u of parsed.unknown) {
    out.push(finding('unknown-sandbox-token', {
      frameId,
      explanation: `"${u.token}" in ${where} is not a sandbox keyword, so browsers ignore it${u.didYouMean ? `; did you mean "${u.didYouMean}"?` : '.'}`,
      evidence: [{ label: 'token', value: u.token }, { label: 'in', value: where }],
      step: 'HTML "parse a sandboxing directive": tokens are split on ASCII whitespace and compared ASCII case-insensitively; unknown tokens add nothing.',
      fix: u.didYouMean ? `Replace "${u.token}" with "${u.didYouMean}".` : `Remove "${u.token}".`,
    }));
  }
  for (const k of parsed.engineSpecific) {
    const flag = Object.entries(ENGINE_SANDBOX_FLAGS).find(([, info]) => info.keyword === k);
    const known = flag ? (flag[1].engines as readonly string[]).includes(engine) : false;
    out.push(finding('engine-specific-sandbox-token', {
      frameId,
      explanation: `"${k}" in ${where} is not an HTML keyword (${ENGINE_SPECIFIC_KEYWORDS[k]}); this browser (${engine}) ${known ? 'knows it' : 'ignores it'}.`,
      evidence: [{ label: 'token', value: k }, { label: 'in', value: where }],
      step: 'HTML "parse a sandboxing directive" knows only its own keywords; engines add their own.',
      engineSpecific: true,
    }));
  }
  if (parsed.keywords.includes('allow-top-navigation') && parsed.keywords.includes('allow-top-navigation-by-user-activation')) {
    out.push(finding('conflicting-top-navigation', {
      frameId,
      explanation: `${where} has both allow-top-navigation and allow-top-navigation-by-user-activation: the frame may navigate the top-level page even without a user click.`,
      evidence: [{ label: 'in', value: where }],
      step: 'HTML, the sandbox attribute: "the allow-top-navigation and allow-top-navigation-by-user-activation keywords must not both be specified".',
    }));
  }
  return out;
}

export const sandboxTokens: Rule = (frame, { page }) => {
  const out: Finding[] = [];
  const s = frame.sandbox;
  if (s.parsedAttribute && s.attribute !== null && frame.node.owner) {
    out.push(...tokenFindings(frame.frameId, s.parsedAttribute, describeElement(frame.node.owner, 'sandbox', s.attribute), page.engine));
  }
  for (const d of s.cspDirectives.enforced) {
    out.push(...tokenFindings(frame.frameId, d.parsed, `Content-Security-Policy: sandbox ${d.value}`.trimEnd(), page.engine));
  }
  return out;
};
