import { bilingual } from '../bilingual';

/** Query engines: ClickHouse connections, and what their failures say. */
export const engineMessages = bilingual(
  {
    errors: {
      engine_not_found: 'There is no engine connection named “{{name}}”.',
      engine_name_taken: 'An engine connection named “{{name}}” already exists.',
      engine_name_invalid: '“{{name}}” cannot name a connection: use letters, digits, “-” and “_” (up to 64).',
      engine_url_invalid: '“{{url}}” is not an http:// or https:// address of a ClickHouse server.',
      engine_ca_file_unreadable: 'The CA certificate file {{path}} cannot be read: {{message}}',
      engine_unreachable: 'ClickHouse at {{url}} does not answer: {{message}}',
      engine_tls_failed: 'The TLS connection to {{url}} failed: {{message}}',
      engine_auth_failed: 'ClickHouse refused user “{{user}}”: wrong name or password, or not allowed from this address.',
      engine_database_not_found: 'ClickHouse has no database “{{database}}”.',
      engine_timeout: 'The query ran longer than {{seconds}} s and was stopped on the server.',
      engine_write_refused: 'The server refused to change data: queries here are read-only ({{message}}).',
      engine_query_failed: 'ClickHouse could not run the query (code {{serverCode}}): {{message}}',
    },
  },
  {
    errors: {
      engine_not_found: '“{{name}}”이라는 엔진 연결이 없습니다.',
      engine_name_taken: '“{{name}}”이라는 엔진 연결이 이미 있습니다.',
      engine_name_invalid: '“{{name}}”은 연결 이름으로 쓸 수 없습니다. 영문자, 숫자, “-”, “_”만 쓰세요(64자까지).',
      engine_url_invalid: '“{{url}}”은 ClickHouse 서버의 http:// 또는 https:// 주소가 아닙니다.',
      engine_ca_file_unreadable: 'CA 인증서 파일 {{path}}을 읽을 수 없습니다: {{message}}',
      engine_unreachable: '{{url}}의 ClickHouse가 응답하지 않습니다: {{message}}',
      engine_tls_failed: '{{url}}와의 TLS 연결에 실패했습니다: {{message}}',
      engine_auth_failed: 'ClickHouse가 사용자 “{{user}}”를 거부했습니다. 이름이나 비밀번호가 틀렸거나 이 주소에서 접속할 수 없습니다.',
      engine_database_not_found: 'ClickHouse에 “{{database}}” 데이터베이스가 없습니다.',
      engine_timeout: '쿼리가 {{seconds}}초를 넘겨 서버에서 중단되었습니다.',
      engine_write_refused: '서버가 데이터 변경을 거부했습니다. 여기서는 읽기 전용 쿼리만 실행됩니다({{message}}).',
      engine_query_failed: 'ClickHouse가 쿼리를 실행하지 못했습니다(코드 {{serverCode}}): {{message}}',
    },
  },
);
