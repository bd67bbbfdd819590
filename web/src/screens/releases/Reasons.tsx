import { useTranslation } from 'react-i18next';
import { reasonText } from '../../components/reason.js';
import { Text } from '../../components/Text.js';
import { RULES } from './rules.js';

/** The node's answer to a decision, as `decide()` gave it. */
export interface Decision {
  decision: 'permit' | 'deny';
  reasons: { code: string; rule: string; message: string }[];
}

/**
 * A decision and every reason in words (in the reader's language, by the reason's code), each reason's rule
 * text a click away (the rules' own text, in the language they were written in).
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
              <Text {...reasonText(r)} /> <code>{r.code}</code>
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
