import type { RequestHandler } from './$types';

// Swagger UI from the swagger-ui-dist package, served by ./[asset]: no CDN, works offline.
const page = `<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		<title>convince API</title>
		<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
		<link rel="stylesheet" href="/docs/swagger-ui.css" />
	</head>
	<body>
		<div id="swagger-ui"></div>
		<script src="/docs/swagger-ui-bundle.js"></script>
		<script>
			window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
		</script>
	</body>
</html>
`;

export const GET: RequestHandler = () => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
