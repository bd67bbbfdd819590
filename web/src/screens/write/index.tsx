import { useTranslation } from 'react-i18next';

export default function Write() {
  const { t } = useTranslation('write');
  return <h1>{t('title')}</h1>;
}
