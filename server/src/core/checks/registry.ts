// Every rule is registered here and nowhere else: its import, and its place in RULES (findings at
// the same position are listed in this order). Adding a rule: its file in rules/<id>.ts with its
// metadata, the two lines here, fixtures in test/fixtures/rules/<id>/, a page in
// docs/rules/<id>.md, then `node scripts/gen-rule-docs.mjs` (docs/rules/README.md and the
// nginxDoctor.rules settings schema follow from the metadata). The rules tier fails until all agree.
import type { Rule } from './rule';
import { rule as syntax } from './rules/syntax';
import { rule as unknownDirective } from './rules/unknown-directive';
import { rule as directiveNotAllowed } from './rules/directive-not-allowed';
import { rule as blockMismatch } from './rules/block-mismatch';
import { rule as invalidArgumentCount } from './rules/invalid-argument-count';
import { rule as invalidFlagValue } from './rules/invalid-flag-value';
import { rule as invalidValue } from './rules/invalid-value';
import { rule as duplicateDirective } from './rules/duplicate-directive';
import { rule as includeNotFound } from './rules/include-not-found';
import { rule as includeCycle } from './rules/include-cycle';
import { rule as includeLimit } from './rules/include-limit';
import { rule as unknownVariable } from './rules/unknown-variable';
import { rule as duplicateLocation } from './rules/duplicate-location';
import { rule as duplicateUpstream } from './rules/duplicate-upstream';
import { rule as duplicateDefaultServer } from './rules/duplicate-default-server';
import { rule as duplicateLogFormat } from './rules/duplicate-log-format';
import { rule as unknownLogFormat } from './rules/unknown-log-format';
import { rule as duplicateListen } from './rules/duplicate-listen';
import { rule as locationNesting } from './rules/location-nesting';
import { rule as proxyPassUriInRegexLocation } from './rules/proxy-pass-uri-in-regex-location';
import { rule as upstreamNoServers } from './rules/upstream-no-servers';
import { rule as upstreamBackupWithHash } from './rules/upstream-backup-with-hash';
import { rule as missingEvents } from './rules/missing-events';
import { rule as missingHandler } from './rules/missing-handler';
import { rule as listenSslWithoutCertificate } from './rules/listen-ssl-without-certificate';
import { rule as limitReqZoneUndefined } from './rules/limit-req-zone-undefined';
import { rule as cacheZoneUndefined } from './rules/cache-zone-undefined';
import { rule as charsetMapMissing } from './rules/charset-map-missing';
import { rule as upstreamBuffersInvalid } from './rules/upstream-buffers-invalid';
import { rule as keepaliveWithoutHttp11 } from './rules/keepalive-without-http11';
import { rule as keepaliveConnectionHeader } from './rules/keepalive-connection-header';
import { rule as websocketReadTimeout } from './rules/websocket-read-timeout';
import { rule as websocketMissingUpgrade } from './rules/websocket-missing-upgrade';
import { rule as connectionUpgradeHardcoded } from './rules/connection-upgrade-hardcoded';
import { rule as httpsToPlainHttpUpstream } from './rules/https-to-plain-http-upstream';
import { rule as httpsUpstreamWithoutSni } from './rules/https-upstream-without-sni';
import { rule as fastcgiPassToHttpPort } from './rules/fastcgi-pass-to-http-port';
import { rule as undefinedUpstream } from './rules/undefined-upstream';
import { rule as variableProxyPassWithoutResolver } from './rules/variable-proxy-pass-without-resolver';
import { rule as staticHostnameUpstream } from './rules/static-hostname-upstream';
import { rule as proxyHeadersDroppedByInheritance } from './rules/proxy-headers-dropped-by-inheritance';
import { rule as upstreamHostHeader } from './rules/upstream-host-header';
import { rule as upstreamAllServersDown } from './rules/upstream-all-servers-down';
import { rule as tryFilesWithProxyPass } from './rules/try-files-with-proxy-pass';
import { rule as proxyPassLoop } from './rules/proxy-pass-loop';
import { rule as unixSocketMissing } from './rules/unix-socket-missing';
import { rule as upstreamWithoutKeepalive } from './rules/upstream-without-keepalive';
import { rule as invalidParameter } from './rules/invalid-parameter';
import { rule as invalidUrl } from './rules/invalid-url';
import { rule as invalidIfCondition } from './rules/invalid-if-condition';
import { rule as invalidRegex } from './rules/invalid-regex';
import { rule as invalidMapBody } from './rules/invalid-map-body';
import { rule as unsubstitutedPlaceholder } from './rules/unsubstituted-placeholder';
import { rule as sslVerifyClientWithoutCa } from './rules/ssl-verify-client-without-ca';
import { rule as mailStarttlsWithSsl } from './rules/mail-starttls-with-ssl';
import { rule as duplicateProxyHeader } from './rules/duplicate-proxy-header';
import { rule as proxyForwardedHeadersMissing } from './rules/proxy-forwarded-headers-missing';
import { rule as luaSslWithoutCertificate } from './rules/lua-ssl-without-certificate';
export const RULES: readonly Rule[] = [
  syntax,
  unknownDirective,
  directiveNotAllowed,
  blockMismatch,
  invalidArgumentCount,
  invalidFlagValue,
  invalidValue,
  duplicateDirective,
  includeNotFound,
  includeCycle,
  includeLimit,
  unknownVariable,
  duplicateLocation,
  duplicateUpstream,
  duplicateDefaultServer,
  duplicateLogFormat,
  unknownLogFormat,
  duplicateListen,
  locationNesting,
  proxyPassUriInRegexLocation,
  upstreamNoServers,
  upstreamBackupWithHash,
  missingEvents,
  missingHandler,
  listenSslWithoutCertificate,
  limitReqZoneUndefined,
  cacheZoneUndefined,
  charsetMapMissing,
  upstreamBuffersInvalid,
  keepaliveWithoutHttp11,
  keepaliveConnectionHeader,
  websocketReadTimeout,
  websocketMissingUpgrade,
  connectionUpgradeHardcoded,
  httpsToPlainHttpUpstream,
  httpsUpstreamWithoutSni,
  fastcgiPassToHttpPort,
  undefinedUpstream,
  variableProxyPassWithoutResolver,
  staticHostnameUpstream,
  proxyHeadersDroppedByInheritance,
  upstreamHostHeader,
  upstreamAllServersDown,
  tryFilesWithProxyPass,
  proxyPassLoop,
  unixSocketMissing,
  upstreamWithoutKeepalive,
  invalidParameter,
  invalidUrl,
  invalidIfCondition,
  invalidRegex,
  invalidMapBody,
  unsubstitutedPlaceholder,
  sslVerifyClientWithoutCa,
  mailStarttlsWithSsl,
  duplicateProxyHeader,
  proxyForwardedHeadersMissing,
  luaSslWithoutCertificate,
];
