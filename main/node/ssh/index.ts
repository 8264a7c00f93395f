/** SSH signatures (SSHSIG) and allowed_signers files: what bundles and tickets are signed and checked with. */
export { signSshsig, verifySshsig, parseSshsig, sameKey, canonicalArmor, type SshsigMessage, type SshsigParts, type SshsigVerified } from './sshsig';
export {
  readAllowedSigners,
  parseAllowedSigners,
  findSigner,
  allowedSignersLine,
  signerName,
  matchPattern,
  matchPatternList,
  type AllowedSigner,
  type SignerQuery,
} from './allowedSigners';
