/** What the signature fuzz targets sign: a commit payload as git hands it to gpg / ssh-keygen. */
export const COMMIT_PAYLOAD = Buffer.from(
  'tree 4b825dc642cb6eb9a060e54bf8d69288fbe4904b\nauthor A U Thor <a@example.org> 1700000000 +0000\ncommitter A U Thor <a@example.org> 1700000000 +0000\n\na signed commit\n',
);
/** The committer time of COMMIT_PAYLOAD, which SSH validity windows are checked against. */
export const COMMIT_TIME = 1_700_000_000;
