import { type ReactNode, useId } from 'react';

/**
 * "Approve" and "Refuse" for a request in a queue. R34 (four eyes): "Approve" is disabled on a request the
 * person asked for themselves, and the reason stands beside it; the server refuses it too.
 */
export function FourEyesButtons({
  ownRequest,
  busy,
  labels,
  onAnswer,
  failure,
  children,
}: {
  ownRequest: boolean;
  busy: boolean;
  labels: { approve: string; refuse: string; fourEyes: string };
  onAnswer: (refuse: boolean) => void;
  failure: string | null;
  /** What stands above the buttons (a note field). */
  children?: ReactNode;
}) {
  const whyId = useId();
  return (
    <div className="actions">
      {children}
      <div className="buttons">
        <button
          type="button"
          disabled={busy || ownRequest}
          aria-describedby={ownRequest ? whyId : undefined}
          onClick={() => onAnswer(false)}
        >
          {labels.approve}
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer(true)}>
          {labels.refuse}
        </button>
      </div>
      {ownRequest && (
        <p id={whyId} className="why-not">
          {labels.fourEyes}
        </p>
      )}
      {failure && <p role="alert">{failure}</p>}
    </div>
  );
}
