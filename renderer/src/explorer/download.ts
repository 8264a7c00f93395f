/** Exports as downloads: a text file, or a canvas as PNG. The browser (or Electron's save dialog) picks the place. */

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has read the blob by the time the click's task ends; a minute is far beyond that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(filename: string, text: string, mime: string): void {
  saveBlob(new Blob([text], { type: mime }), filename);
}

export function downloadCanvas(canvas: HTMLCanvasElement, filename: string): Promise<void> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error('the canvas could not be encoded as PNG'));
        return;
      }
      saveBlob(blob, filename);
      resolve();
    }, 'image/png');
  });
}

/** `sweep-induction_handbuilt-20261130T031500.csv`: the model and the moment, so exports do not overwrite each other. */
export function exportName(kind: string, modelId: string, ext: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `${kind}-${modelId.replace(/[^\w.-]+/g, '_')}-${stamp}.${ext}`;
}
