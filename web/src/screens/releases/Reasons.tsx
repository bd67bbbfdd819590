import { useTranslation } from 'react-i18next';
import { Text } from '../../components/Text.js';
import { RULES } from './rules.js';

/** The node's answer to a decision, as `decide()` gave it. */
export interface Decision {
  decision: 'permit' | 'deny';
  reasons: { code: string; rule: string; message: string }[];
}

/**
 * A decision and every reason in words, each reason's rule text a click away: what the node answered, shown
 * as it answered (the rule text is the agreement's own, in the language it was agreed in).
 */
export function Reasons({ decision }: { decision: Decision }) {
  const { t } = useTranslation('releases');
  return (
    <div>
      <span className={decision.decision === 'permit' ? 'decision-permit' : 'decision-deny'}>
        {t(decision.decision === 'permit' ? 'decision.permit' : 'decision.deny')}
      </span>
      {decision.reasons.length > 0 && (
        <ul className="reasons">
          {decision.reasons.map((r) => (
            <li key={`${r.code}-${r.rule}`}>
              <Text text={r.message} lang="en" /> <code>{r.code}</code>
              {RULES[r.rule] && (
                <details>
                  <summary>{t('ruleText', { rule: r.rule })}</summary>
                  <p className="rule-text" lang="en">
                    {RULES[r.rule]}
                  </p>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
