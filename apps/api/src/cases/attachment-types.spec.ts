import { acceptedContentType, contentDisposition } from './attachment-types';

describe('acceptedContentType', () => {
  it('accepts documents, images, text, CSV and ZIP, dropping parameters', () => {
    expect(acceptedContentType('application/pdf', 'a.pdf')).toBe('application/pdf');
    expect(acceptedContentType('text/plain; charset=utf-8', 'a.txt')).toBe('text/plain');
    expect(acceptedContentType('image/png', 'a.png')).toBe('image/png');
    expect(acceptedContentType('application/x-zip-compressed', 'a.zip')).toBe('application/zip');
    expect(acceptedContentType('application/vnd.ms-excel', 'list.csv')).toBe('text/csv');
  });

  it('decides generic types by the extension', () => {
    expect(acceptedContentType('application/octet-stream', 'law.DOCX')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(acceptedContentType('', 'tool.exe')).toBeUndefined();
  });

  it('refuses executables, HTML and SVG', () => {
    expect(acceptedContentType('application/x-msdownload', 'a.exe')).toBeUndefined();
    expect(acceptedContentType('text/html', 'a.pdf')).toBeUndefined();
    expect(acceptedContentType('image/svg+xml', 'a.svg')).toBeUndefined();
  });
});

describe('contentDisposition', () => {
  it('keeps non-ASCII names encoded and quotes safe', () => {
    expect(contentDisposition('закон "1".pdf')).toBe(
      `attachment; filename="_____ _1_.pdf"; filename*=UTF-8''${encodeURIComponent('закон "1".pdf')}`,
    );
  });
});
