import { useTranslation } from 'react-i18next';

export default function Reader() {
  const { t } = useTranslation('reader');
  return <h1>{t('title')}</h1>;
}
