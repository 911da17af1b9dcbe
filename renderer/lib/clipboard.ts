// Copy text to the clipboard. navigator.clipboard needs a permission the Electron main
// process may deny (it denies permission requests by default), so fall back to a
// document.execCommand('copy') whose copy event we fill in ourselves.
export async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return;
    }
  } catch {
    // fall through to the execCommand path
  }
  const onCopy = (event: ClipboardEvent): void => {
    event.clipboardData?.setData('text/plain', text);
    event.preventDefault();
  };
  document.addEventListener('copy', onCopy, { capture: true });
  try {
    if (!document.execCommand('copy')) throw new Error('the clipboard is not available');
  } finally {
    document.removeEventListener('copy', onCopy, { capture: true });
  }
}
