/** Saves a file the node sends as an attachment (a snapshot, a recording, a frame) without opening a tab. */
export function saveFile(url: string): void {
  const link = document.createElement('a')
  link.href = url
  link.download = ''
  link.click()
}
