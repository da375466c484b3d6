import { bilingual } from '../bilingual';

/** Text of OAuth2 sign-in for mail accounts (issue 22). */
export const oauthMessages = bilingual(
  {
    oauth: {
      signIn: 'Sign in with {{provider}}',
      signInAgain: 'Sign in again',
      waiting: 'Waiting for the sign-in in your browser…',
      openManually: 'If no browser opened, open this address:',
      signedIn: 'Signed in as {{user}}',
      listening: 'listening',
      listeningHint: 'New mail in {{folder}} is collected as it arrives (IMAP IDLE).',
      providers: { google: 'Google (Gmail)', microsoft: 'Microsoft 365', custom: 'Other provider (OpenID)' },
      fields: {
        provider: 'Provider',
        clientId: 'Client ID',
        clientSecret: 'Client secret (only if the provider gave one)',
        issuer: 'Issuer URL',
        tenant: 'Tenant (Microsoft 365)',
      },
      auth: { password: 'Password', oauth2: 'OAuth2 sign-in (no app password)' },
    },
    errors: {
      oauth_sign_in_again: 'The sign-in “{{grant}}” is no longer valid ({{reason}}): it was revoked, expired or its password changed. Sign in again.',
      oauth_token_failed: 'The token endpoint of {{issuer}} could not be used: {{reason}}',
      oauth_grant_not_found: 'There is no OAuth2 sign-in “{{grant}}” on this computer. Sign in first (the Mailboxes screen, or `logscope account login`).',
      oauth_no_refresh_token: '{{issuer}} gave no refresh token, so the sign-in would stop working within the hour. For Microsoft, the scope must include offline_access; for Google, the consent must be given again.',
      oauth_sign_in_failed: 'The sign-in at {{issuer}} did not succeed: {{reason}}',
      oauth_sign_in_timeout: 'No answer came back from the browser sign-in within {{minutes}} minutes. Start the sign-in again.',
      oauth_discovery_failed: 'The OpenID configuration of {{issuer}} could not be read: {{reason}}',
      oauth_device_unsupported: '{{provider}} does not offer a device-code sign-in for mail. Sign in in the Logscope app, or copy a grant file from a desktop.',
      oauth_device_expired: 'The code {{userCode}} expired before the sign-in was completed. Run the command again.',
    },
  },
  {
    oauth: {
      signIn: '{{provider}}(으)로 로그인',
      signInAgain: '다시 로그인',
      waiting: '브라우저에서 로그인을 기다리는 중…',
      openManually: '브라우저가 열리지 않았다면 이 주소를 여세요:',
      signedIn: '{{user}}(으)로 로그인됨',
      listening: '수신 대기 중',
      listeningHint: '{{folder}}에 새 메일이 오면 바로 가져옵니다 (IMAP IDLE).',
      providers: { google: 'Google (Gmail)', microsoft: 'Microsoft 365', custom: '다른 공급자 (OpenID)' },
      fields: {
        provider: '공급자',
        clientId: '클라이언트 ID',
        clientSecret: '클라이언트 시크릿 (공급자가 준 경우에만)',
        issuer: '발급자 URL',
        tenant: '테넌트 (Microsoft 365)',
      },
      auth: { password: '비밀번호', oauth2: 'OAuth2 로그인 (앱 비밀번호 없이)' },
    },
    errors: {
      oauth_sign_in_again: '로그인 “{{grant}}”이(가) 더 이상 유효하지 않습니다 ({{reason}}): 취소되었거나 만료되었거나 비밀번호가 바뀌었습니다. 다시 로그인하세요.',
      oauth_token_failed: '{{issuer}}의 토큰 엔드포인트를 쓸 수 없습니다: {{reason}}',
      oauth_grant_not_found: '이 컴퓨터에 OAuth2 로그인 “{{grant}}”이(가) 없습니다. 먼저 로그인하세요 (메일함 화면 또는 `logscope account login`).',
      oauth_no_refresh_token: '{{issuer}}이(가) 갱신 토큰을 주지 않아 한 시간 안에 로그인이 끊깁니다. Microsoft는 범위에 offline_access가 있어야 하고, Google은 동의를 다시 받아야 합니다.',
      oauth_sign_in_failed: '{{issuer}}에서 로그인하지 못했습니다: {{reason}}',
      oauth_sign_in_timeout: '{{minutes}}분 안에 브라우저 로그인 응답이 오지 않았습니다. 로그인을 다시 시작하세요.',
      oauth_discovery_failed: '{{issuer}}의 OpenID 구성을 읽을 수 없습니다: {{reason}}',
      oauth_device_unsupported: '{{provider}}은(는) 메일용 기기 코드 로그인을 제공하지 않습니다. Logscope 앱에서 로그인하거나 데스크톱의 grant 파일을 복사하세요.',
      oauth_device_expired: '로그인을 마치기 전에 코드 {{userCode}}이(가) 만료되었습니다. 명령을 다시 실행하세요.',
    },
  },
);
