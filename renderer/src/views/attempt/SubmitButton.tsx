import { useCallback, useState } from 'react';
import { useStore } from '../../store/store';
import { submit } from '../../actions/attempt';
import { Dialog } from '../../components/Dialog';
import { Spinner } from '../../components/Spinner';

export function SubmitButton() {
  const submitting = useStore((s) => s.submitting);
  const tabs = useStore((s) => s.tabs);
  const aggregate = useStore((s) => s.attempt?.scoreAggregate);
  const [asking, setAsking] = useState(false);
  const close = useCallback(() => setAsking(false), []);
  const unsaved = tabs.filter((t) => t.dirty).map((t) => t.path);
  return (
    <>
      <button className="danger" data-testid="submit-button" disabled={submitting} onClick={() => setAsking(true)}>
        {submitting ? <Spinner label="submitting" /> : null} Submit
      </button>
      {asking && (
        <Dialog
          title="Submit the attempt?"
          testId="submit-confirm"
          onClose={close}
          actions={
            <>
              <button onClick={close}>Keep working</button>
              <button
                className="danger"
                data-testid="submit-confirm-yes"
                onClick={() => {
                  setAsking(false);
                  void submit();
                }}
              >
                Submit now
              </button>
            </>
          }
        >
          <p>
            The clock stops and the workspace on disk is final. Your score will be the {aggregate === 'last' ? 'last valid' : 'best valid'} score;
            the submission is scored once more.
          </p>
          {unsaved.length > 0 && (
            <p className="warn-text" data-testid="submit-unsaved">
              Not saved, so not submitted: {unsaved.join(', ')}
            </p>
          )}
        </Dialog>
      )}
    </>
  );
}
